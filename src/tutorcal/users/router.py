"""/me: the signed-in user's profile, account and API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tutorcal.auth import service as auth
from tutorcal.auth.dependencies import RuntimeDep, UserDep
from tutorcal.errors import NotAuthenticated, NotFound, Unprocessable, problem_responses
from tutorcal.users import service
from tutorcal.users.schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead, MeRead, MeUpdate

router = APIRouter(prefix="/api/v1/me", tags=["me"], responses=problem_responses(NotAuthenticated))


@router.get("", response_model=MeRead, summary="The signed-in user")
async def read_me(user: UserDep) -> MeRead:
    return MeRead.model_validate(service.profile_fields(await service.get_profile(user)))


@router.patch(
    "",
    response_model=MeRead,
    summary="Change name or time zone",
    responses=problem_responses(Unprocessable),
)
async def update_me(body: MeUpdate, user: UserDep) -> MeRead:
    await service.update_profile(user, name=body.name, timezone=body.timezone)
    return MeRead.model_validate(service.profile_fields(await service.get_profile(user)))


@router.delete(
    "",
    status_code=204,
    summary="Delete my account",
    description="Revokes the Google grant, ends every session and token, and deletes personal data.",
)
async def delete_me(user: UserDep, runtime: RuntimeDep) -> Response:
    await service.delete_account(user, runtime.calendar, runtime.outbox_policy)
    return Response(status_code=204)


@router.get(
    "/api-tokens", response_model=list[ApiTokenRead], summary="My API tokens (never their secrets)"
)
async def list_api_tokens(user: UserDep) -> list[ApiTokenRead]:
    return [
        ApiTokenRead(
            id=str(t.id), name=t.name, created_at=t.created_at, last_used_at=t.last_used_at
        )
        for t in await auth.list_api_tokens(user)
    ]


@router.post(
    "/api-tokens",
    status_code=201,
    response_model=ApiTokenCreated,
    summary="Create an API token for scripts",
    responses=problem_responses(Unprocessable),
)
async def create_api_token(body: ApiTokenCreate, user: UserDep) -> ApiTokenCreated:
    api_token, secret = await auth.create_api_token(user, body.name)
    return ApiTokenCreated(
        id=str(api_token.id),
        name=api_token.name,
        created_at=api_token.created_at,
        last_used_at=None,
        token=secret,
    )


@router.delete(
    "/api-tokens/{token_id}",
    status_code=204,
    summary="Revoke an API token",
    responses=problem_responses(NotFound),
)
async def revoke_api_token(token_id: str, user: UserDep, runtime: RuntimeDep) -> Response:
    await auth.revoke_api_token(user, token_id, runtime.clock.now())
    return Response(status_code=204)

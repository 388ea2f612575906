import { describe as group, expect, it } from 'vitest';

import type { BookingRules } from '../client/types.gen';
import { ApiError, csrfToken, fetchWithCsrf } from './http';
import { describe } from './problems';

const rules: BookingRules = {
  slot_minutes: 60,
  min_notice_minutes: 720,
  horizon_days: 60,
  max_bookings_per_student_per_week: 2,
  cancel_notice_minutes: 1440,
  reschedule_notice_minutes: 120,
};
const tutor = { tutorName: 'Tara Tutor', rules };
const refusal = (status: number, code: string, retryAfter: number | null = null) =>
  new ApiError(status, code, 'the API’s own sentence', retryAfter);

group('every refusal as a sentence to act on', () => {
  it('says a session filled up and what to do', () => {
    expect(describe(refusal(409, 'session_full'))).toBe(
      'This session just filled up: every seat is taken. Pick another session or a free slot.',
    );
  });

  it('names the booking a new one would clash with', () => {
    const clash = 'Tutoring: Physics with Theo Tutor, Monday, 7 December 2026, 16:00–17:00 GMT';
    expect(describe(refusal(409, 'student_conflict'), { clash })).toBe(
      `You already have a booking at this time: ${clash}. Cancel or move it first, or pick another time.`,
    );
  });

  it('says each rule with the tutor’s own number', () => {
    expect(describe(refusal(422, 'min_notice'), tutor)).toBe(
      "Bookings close 12 hours before the start (Tara Tutor's rule). Pick a later time.",
    );
    expect(describe(refusal(422, 'beyond_horizon'), tutor)).toBe(
      'Tara Tutor takes bookings up to 60 days ahead. Pick an earlier time.',
    );
    expect(describe(refusal(422, 'weekly_limit'), tutor)).toContain('at most 2 bookings');
    expect(
      describe(refusal(422, 'cancel_window_passed'), {
        ...tutor,
        closedAt: 'Monday, 7 December 2026, 9:00 GMT',
      }),
    ).toBe(
      'It is too late to cancel: Tara Tutor takes cancellations until 24 hours before the start (Monday, 7 December 2026, 9:00 GMT). Contact Tara Tutor instead.',
    );
    expect(describe(refusal(422, 'reschedule_window_passed'), tutor)).toContain('2 hours before');
  });

  it('asks to sign in again, to wait the seconds the API said, or to retry with nothing lost', () => {
    expect(describe(refusal(401, 'not_authenticated'))).toBe(
      'Your sign-in has ended. Sign in again and you will come back to this page.',
    );
    expect(describe(refusal(429, 'rate_limited', 17))).toBe(
      'Too many requests in a short time. Wait 17 seconds, then try again.',
    );
    expect(describe(refusal(503, 'service_unavailable'))).toBe(
      'The service is not answering right now. Try again in a moment: nothing was lost.',
    );
    expect(describe(new ApiError(0, 'network', 'unreachable'))).toContain('Nothing was lost');
  });

  it('falls back to the API’s own sentence, never to a bare code', () => {
    expect(describe(refusal(409, 'something_new'))).toBe('the API’s own sentence');
  });
});

group('the CSRF header', () => {
  it('reads the token from either cookie name', () => {
    expect(csrfToken('a=1; tutorcal_csrf=abc%3D')).toBe('abc=');
    expect(csrfToken('__Host-tutorcal_csrf=xyz')).toBe('xyz');
    expect(csrfToken('')).toBe('');
  });

  it('is sent on unsafe methods and, when refused, read again and tried once more', async () => {
    const seen: (string | null)[] = [];
    let current = 'stale';
    const server = (request: Request) => {
      seen.push(request.headers.get('X-CSRF-Token'));
      current = 'fresh'; // the cookie changed meanwhile (a sign-in in another tab)
      const ok = request.headers.get('X-CSRF-Token') === 'fresh';
      return Promise.resolve(
        ok
          ? new Response('{}', { status: 201 })
          : new Response(JSON.stringify({ code: 'csrf_failed' }), { status: 403 }),
      );
    };
    const request = new Request('http://app/api/v1/bookings', { method: 'POST', body: '{}' });
    const answer = await fetchWithCsrf(request, server, () => current);
    expect(answer.status).toBe(201);
    expect(seen).toEqual(['stale', 'fresh']);
  });

  it('is not sent on reads, and a second refusal is the answer', async () => {
    const seen: (string | null)[] = [];
    const server = (request: Request) => {
      seen.push(request.headers.get('X-CSRF-Token'));
      return Promise.resolve(
        new Response(JSON.stringify({ code: 'csrf_failed' }), { status: 403 }),
      );
    };
    await fetchWithCsrf(new Request('http://app/api/v1/me'), server, () => 't');
    const post = new Request('http://app/api/v1/me', { method: 'PATCH', body: '{}' });
    expect((await fetchWithCsrf(post, server, () => 't')).status).toBe(403);
    expect(seen).toEqual([null, 't', 't']);
  });
});

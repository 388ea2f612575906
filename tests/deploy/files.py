"""Readers for the deployment files, just enough of each format for the tests to ask questions.

- the Dockerfile: instructions (with line continuations), stages, ENV pairs, exec forms;
- .dockerignore: Docker's rule that the last matching pattern decides, parents included;
- Compose interpolation: ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``, ``${VAR:?message}``,
  ``${VAR?message}`` and ``$$``.
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def schema_errors(builtin_schema: str, path: Path) -> str:
    """What check-jsonschema finds wrong with ``path`` against one of its bundled schemas
    (``vendor.compose-spec``, ``vendor.cloudbuild``...); empty when it is valid."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            builtin_schema,
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    line: int


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [item for item in self.instructions if item.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


def read_instructions(path: Path) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue  # comments are dropped even inside a continuation, as Docker does
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending.append(stripped[:-1].strip())
            continue
        pending.append(stripped)
        text = " ".join(part for part in pending if part)
        pending = []
        keyword, _, value = text.partition(" ")
        instructions.append(Instruction(keyword.upper(), value.strip(), start))
    assert not pending, f"{path}: the last instruction ends with a line continuation"
    return instructions


def read_stages(path: Path) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in read_instructions(path):
        if instruction.keyword == "FROM":
            words = [word for word in instruction.value.split() if not word.startswith("--")]
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        else:
            assert stages, f"{path}:{instruction.line}: instruction before FROM"
            stages[-1].instructions.append(instruction)
    return stages


def exec_form(instruction: Instruction) -> list[str]:
    """The JSON array of an exec-form instruction; fails on the shell form."""
    value = instruction.value
    if instruction.keyword == "HEALTHCHECK":
        _, _, value = value.partition("CMD ")
    parsed = json.loads(value)
    assert isinstance(parsed, list), f"line {instruction.line}: not a JSON array"
    assert all(isinstance(item, str) for item in parsed), f"line {instruction.line}"
    return parsed


def substitute(value: str, env: Mapping[str, str]) -> str:
    """Docker's ``$VAR`` / ``${VAR}`` substitution in ENV, WORKDIR and COPY."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return env.get(name, "")

    return re.sub(r"\$\{(\w+)\}|\$(\w+)", replace, value)


def env_pairs(instruction: Instruction) -> list[tuple[str, str]]:
    """``ENV a=1 b="two words"`` (and the legacy ``ENV a 1``) as (name, raw value) pairs."""
    words = shlex.split(instruction.value, posix=True)
    if words and "=" not in words[0]:
        return [(words[0], " ".join(words[1:]))]
    pairs = []
    for word in words:
        name, equals, value = word.partition("=")
        assert equals, f"line {instruction.line}: {word!r} is not NAME=value"
        pairs.append((name, value))
    return pairs


def stage_env(stage: Stage, start: Mapping[str, str]) -> dict[str, str]:
    env = dict(start)
    for instruction in stage.all("ENV"):
        for name, value in env_pairs(instruction):
            env[name] = substitute(value, env)
    return env


# ---- .dockerignore ----


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    out = ""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out += "(?:.*/)?"
            index += 3
            continue
        if pattern.startswith("**", index):
            out += ".*"
            index += 2
            continue
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.index("]", index)
            out += pattern[index : end + 1]
            index = end
        else:
            out += re.escape(char)
        index += 1
    return re.compile(out + r"\Z")


def read_dockerignore(path: Path) -> list[tuple[bool, re.Pattern[str]]]:
    """(excludes, regex) per pattern, in file order."""
    rules = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        excludes = not line.startswith("!")
        pattern = line.lstrip("!").strip().strip("/")
        rules.append((excludes, _pattern_regex(pattern)))
    return rules


def is_ignored(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parent folders decides."""
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    ignored = False
    for excludes, regex in rules:
        if any(regex.match(candidate) for candidate in candidates):
            ignored = excludes
    return ignored


# ---- Compose interpolation ----


class InterpolationError(Exception):
    pass


def _closing_brace(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        if text.startswith("${", index):
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise InterpolationError(f"unclosed ${{ in {text!r}")


def interpolate(text: str, env: Mapping[str, str]) -> str:
    out = []
    index = 0
    while index < len(text):
        if text.startswith("$$", index):
            out.append("$")
            index += 2
        elif text.startswith("${", index):
            end = _closing_brace(text, index)
            out.append(_expand(text[index + 2 : end], env))
            index = end + 1
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def _expand(expression: str, env: Mapping[str, str]) -> str:
    match = re.match(r"([A-Za-z_]\w*)(?:(:?[-?])(.*))?\Z", expression, re.DOTALL)
    if match is None:
        raise InterpolationError(f"cannot read ${{{expression}}}")
    name, operator, argument = match.groups()
    value = env.get(name)
    missing = value is None or (operator is not None and operator.startswith(":") and not value)
    if operator is None:
        return value or ""
    if not missing:
        return str(value)
    if operator.endswith("-"):
        return interpolate(argument, env)
    raise InterpolationError(f"{name}: {interpolate(argument, env)}")


def interpolate_tree(node: object, env: Mapping[str, str]) -> object:
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: interpolate_tree(value, env) for key, value in node.items()}
    return node


def variables_in(node: object) -> list[str]:
    """Every ``${...}`` expression in a parsed YAML tree, as written."""
    found: list[str] = []
    if isinstance(node, str):
        index = 0
        while (start := node.find("${", index)) != -1:
            end = _closing_brace(node, start)
            found.append(node[start : end + 1])
            index = end + 1
    elif isinstance(node, list):
        for item in node:
            found.extend(variables_in(item))
    elif isinstance(node, dict):
        for value in node.values():
            found.extend(variables_in(value))
    return found

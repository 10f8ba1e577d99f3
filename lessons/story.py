"""The story a learner is shown: one path through a branching script.

A script is a flat stream in which a decision's options may jump to a scene. The
learner's path starts at the first block and follows the script; at a decision
they have answered it continues where their latest choice leads (its scene, or
the next block), and at a decision they have not answered it stops. Nothing past
that decision reaches the browser until the choice is stored: the decision API
answers with the continuation, and the plain form's redirect renders the page
again with the chosen branch.

A trainer's preview stores nothing, so it carries every option's outcome and
continuation in `<template>` elements that story.js opens on a choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lessons.decisions import (
    DecisionOutcome,
    DecisionState,
    decision_outcome,
    lesson_decisions,
)
from lessons.models import LessonPage


def _children(script) -> list:
    return list(script or [])


def next_index(children: list, index: int, option) -> int:
    """Where the story goes after `option` of the decision at `index`."""
    target = (option.get("jump_to") or "").strip()
    if target:
        for i, child in enumerate(children):
            if child.block_type == "scene" and child.value["anchor"] == target:
                return i
    return index + 1


def story_path(script, chosen: dict[str, int], *, start: int = 0) -> list:
    """The blocks on the path from `start`, given option indexes by decision id.

    Stops after the first decision without a (still valid) choice, at the end,
    or where a jump leads back to a block already on the path.
    """
    children = _children(script)
    path, seen, index = [], set(), start
    while 0 <= index < len(children) and index not in seen:
        seen.add(index)
        child = children[index]
        path.append(child)
        if child.block_type != "decision":
            index += 1
            continue
        options = child.value["options"]
        option_index = chosen.get(child.id)
        if option_index is None or not 0 <= option_index < len(options):
            break
        index = next_index(children, index, options[option_index])
    return path


@dataclass(frozen=True)
class PreviewBranch:
    """In a preview: what one option of one decision shows and leads to."""

    outcome: DecisionOutcome
    steps: list


@dataclass(frozen=True)
class Story:
    steps: list
    choices: dict[str, DecisionState] = field(default_factory=dict)
    preview: bool = False
    branches: list[PreviewBranch] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        """Whether the path ends at a decision still to be made."""
        last = self.steps[-1] if self.steps else None
        return bool(
            last is not None
            and last.block_type == "decision"
            and last.id not in self.choices
        )


def _chosen(choices: dict[str, DecisionState]) -> dict[str, int]:
    return {key: state.latest.option_index for key, state in choices.items()}


def lesson_story(*, viewer, lesson: LessonPage) -> Story:
    """The viewer's path through the lesson, up to their first open decision."""
    choices = lesson_decisions(viewer=viewer, lesson=lesson)
    return Story(steps=story_path(lesson.script, _chosen(choices)), choices=choices)


def story_continuation(*, viewer, lesson: LessonPage, decision_id: str) -> Story:
    """The steps after a decision the viewer has answered, to the next open one."""
    choices = lesson_decisions(viewer=viewer, lesson=lesson)
    chosen = _chosen(choices)
    full = story_path(lesson.script, chosen)
    for position, child in enumerate(full):
        if child.block_type == "decision" and child.id == decision_id:
            return Story(steps=full[position + 1 :], choices=choices)
    # Answered off the learner's path (an old tab): continue from the decision.
    children = _children(lesson.script)
    for index, child in enumerate(children):
        if child.block_type == "decision" and child.id == decision_id:
            option = child.value["options"][chosen[decision_id]]
            start = next_index(children, index, option)
            return Story(
                steps=story_path(lesson.script, chosen, start=start), choices=choices
            )
    return Story(steps=[], choices=choices)


def lesson_story_preview(*, lesson: LessonPage) -> Story:
    """A trainer's preview of the lesson object being previewed (a draft, a revision).

    No viewer's choices are read or stored; every option's outcome and the steps
    it leads to (up to the next decision) are rendered once, beside the story.
    """
    children = _children(lesson.script)
    branches = []
    for index, child in enumerate(children):
        if child.block_type != "decision":
            continue
        for option_index, option in enumerate(child.value["options"]):
            branches.append(
                PreviewBranch(
                    outcome=decision_outcome(
                        decision_id=child.id,
                        decision_value=child.value,
                        option_index=option_index,
                    ),
                    steps=story_path(
                        lesson.script, {}, start=next_index(children, index, option)
                    ),
                )
            )
    return Story(steps=story_path(lesson.script, {}), preview=True, branches=branches)

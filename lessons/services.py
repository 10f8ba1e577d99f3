"""Writes from the learner's pages.

A decision choice is recorded by `lessons.decisions.decision_record`, beside the
other decision helpers; it is named here too for callers that look for services.
"""

from lessons.decisions import (  # noqa: F401
    DecisionError,
    DecisionNotFound,
    OptionOutOfRange,
    decision_record,
)

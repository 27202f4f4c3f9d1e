"""Widgets shared by the study app and the classroom client."""

from quiz.ui.widgets.feedback import FeedbackPanel, verdict
from quiz.ui.widgets.question_view import QuestionView
from quiz.ui.widgets.questions import make_question_input

__all__ = ["FeedbackPanel", "QuestionView", "make_question_input", "verdict"]

"""PlanQA 规划问答."""

__version__ = "0.1.0"

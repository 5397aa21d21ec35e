"""Every review rule, one module per rule id. Importing this package registers them all."""

from jixiao.review.rules import (  # noqa: F401
    conflicting_values,
    count_mismatch,
    duplicate_paragraph,
    empty_section,
    low_execution,
    missing_section,
    rate_mismatch,
    staff_over_quota,
    sum_mismatch,
    target_far_exceeded,
    target_missed,
)

"""Every review rule, one module per rule id. Importing this package registers them all."""

from jixiao.review import documents  # noqa: F401,E402 - cross-document-mismatch (two documents)
from jixiao.review.rules import (  # noqa: F401
    conflicting_values,
    count_mismatch,
    cross_table_mismatch,
    duplicate_paragraph,
    empty_section,
    low_execution,
    missing_deviation_reason,
    missing_section,
    missing_table,
    ocr_uncertain,
    placeholder_text,
    rate_mismatch,
    rate_on_zero_base,
    score_exceeds_weight,
    score_inconsistent,
    staff_over_quota,
    sum_mismatch,
    target_far_exceeded,
    target_missed,
    text_table_mismatch,
    unit_name_mismatch,
    wording_contradicts_figures,
    year_mismatch,
)

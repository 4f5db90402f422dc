"""ui: everything that imports Streamlit (cached data access, filters, rendering, login, presentation mode, the Data
page's actions). Pages and the entrypoint import it; it may import every layer below, and nothing below imports it.

This module is the pages' facade (``from dashboard import ui``; ``ui.show_chart(...)``): it names the public functions
of its modules, each of one job: ``state`` (the caller's scope, presentation mode), ``data`` (engine, run start, data
version, settings, cached tables, import log), ``cache`` (cached page views and figures), ``filters``,
``presentation``, ``render``, ``actions`` (upload, undo, board pack), ``goals`` (the Goals page's forms, the notes
a caller reads, the school brief), ``guided_import`` (the Data page's guided import and saved mappings) and
``login``."""

from dashboard.ui.actions import (
    UploadResult,
    build_board_pack,
    handle_upload,
    load_upload,
    purge_controls,
    show_upload_result,
    undo_controls,
    undo_import,
)
from dashboard.ui.cache import data, figure, view
from dashboard.ui.data import (
    benchmark,
    data_version,
    get_engine,
    import_history,
    latest_import_date,
    read_data_version,
    settings_values,
    start_run,
    thresholds,
)
from dashboard.ui.filters import choices, network_level_filters, school_filter, select_filter, sync_query_params
from dashboard.ui.goals import brief_button, goal_data, goal_forms, may_manage, note_forms, notes_data
from dashboard.ui.guided_import import guided_import, load_with_mapping_file, saved_mappings
from dashboard.ui.presentation import choice, columns, pick, presentation_controls, screen, section
from dashboard.ui.render import (
    audit_download,
    benchmark_caption,
    footnote,
    page_header,
    say,
    show_chart,
    show_kpis,
    show_table,
    table_key,
)
from dashboard.ui.state import caller, current_scope, keep_for_user, kept_for_user, presenting, scope_label

__all__ = [
    "UploadResult",
    "audit_download",
    "benchmark",
    "benchmark_caption",
    "brief_button",
    "build_board_pack",
    "caller",
    "choice",
    "choices",
    "columns",
    "current_scope",
    "data",
    "data_version",
    "figure",
    "footnote",
    "get_engine",
    "goal_data",
    "goal_forms",
    "guided_import",
    "handle_upload",
    "import_history",
    "keep_for_user",
    "kept_for_user",
    "latest_import_date",
    "load_upload",
    "load_with_mapping_file",
    "may_manage",
    "network_level_filters",
    "note_forms",
    "notes_data",
    "page_header",
    "pick",
    "presentation_controls",
    "presenting",
    "purge_controls",
    "read_data_version",
    "saved_mappings",
    "say",
    "school_filter",
    "scope_label",
    "screen",
    "section",
    "select_filter",
    "settings_values",
    "show_chart",
    "show_kpis",
    "show_table",
    "show_upload_result",
    "start_run",
    "sync_query_params",
    "table_key",
    "thresholds",
    "undo_controls",
    "undo_import",
    "view",
]

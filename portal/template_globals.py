"""Wiring: the vocabularies and formatters of the packages, added to the templates' globals by
whatever renders pages or PDFs (the app, the command line, the benchmark) — never as a side
effect of importing a route module. Like portal.app and portal.cli, it may import every package.
"""

from execution.indicators import format as indicator_format
from portal.templating import add_globals
from supplier import vocabulary as supplier_vocabulary
from supplier.kinds import HANDLERS
from surveys import service as surveys_service
from surveys import vocabulary as survey_vocabulary


def install_template_globals() -> None:
    add_globals(status_labels=supplier_vocabulary.STATUS_LABELS, vocabulary=supplier_vocabulary,
                kinds=HANDLERS,
                survey_vocabulary=survey_vocabulary, survey_status=surveys_service.status_label,
                indicator_value=indicator_format.value_text,
                indicator_terms=indicator_format.terms,
                indicator_details=indicator_format.detail_items)

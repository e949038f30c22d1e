"""Choice labels that cost one dictionary lookup.

Django's ``get_FOO_display()`` rebuilds a dictionary of the field's choices on every call and hashes each
lazily translated label on the way, which asks gettext once per choice: a page of 25 inbox rows with a
status and an urgency spent more time in gettext than in its database queries. Models that list many rows
mix in :class:`ChoiceLabelsMixin`; labels are translated once per field and language per process
(translations do not change while a process runs) and the method returns the same strings as before.
"""

from django.utils.encoding import force_str
from django.utils.translation import get_language

_labels: dict[tuple[int, str], dict] = {}


def choice_labels(field) -> dict:
    """``{value: label}`` for ``field``'s choices in the active language (flattened groups)."""
    key = (id(field), get_language() or "")
    labels = _labels.get(key)
    if labels is None:
        labels = {value: force_str(label, strings_only=True) for value, label in field.flatchoices}
        _labels[key] = labels
    return labels


class ChoiceLabelsMixin:
    """Replaces the per-call choices dictionary behind ``get_FOO_display()`` with :func:`choice_labels`."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            return choice_labels(field).get(value, force_str(value, strings_only=True))
        except TypeError:  # an unhashable value: let Django decide as it always did
            return super()._get_FIELD_display(field)

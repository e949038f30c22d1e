"""Pages and document collections behind a shared password become private to signed-in users.

The admin no longer offers shared passwords (``WAGTAIL_PRIVATE_PAGE_OPTIONS``): Wagtail's password check
counts no failed attempts and records no reader. Restrictions kept from before would still be served
through it, so they become sign-in restrictions — still closed to the public, readable by the portal's
accounts — and their passwords are dropped.
"""

from django.db import migrations


def passwords_to_sign_in(apps, schema_editor):
    for model_name in ("PageViewRestriction", "CollectionViewRestriction"):
        model = apps.get_model("wagtailcore", model_name)
        model.objects.filter(restriction_type="password").update(restriction_type="login", password="")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_english_intros_body_footer"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(passwords_to_sign_in, migrations.RunPython.noop)]

"""Public tips stored the city as the tip form labelled it (江苏省 · 徐州市, or Jiangsu · Xuzhou from an
English page); they now store it as the agencies name it (徐州市), which statistics and search facets group
by. Tips kept with a form label get their receiving agency's city name; a city an officer has since typed
in stays."""

from django.db import migrations


def name_tip_cities_as_agencies_do(apps, schema_editor):
    CaseLead = apps.get_model("cases_exchange", "CaseLead")
    tips = CaseLead.objects.filter(source="public_tip", location_city__contains=" · ").select_related(
        "originating_agency"
    )
    for lead in tips.iterator(chunk_size=500):
        lead.location_city = lead.originating_agency.city
        lead.save(update_fields=["location_city"])


class Migration(migrations.Migration):
    dependencies = [("cases_exchange", "0007_notification_status")]

    operations = [migrations.RunPython(name_tip_cities_as_agencies_do, migrations.RunPython.noop)]

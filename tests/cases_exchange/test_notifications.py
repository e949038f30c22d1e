"""Notifications: written with the change, pushed after commit, replayed on reconnect, e-mailed,
reminders and escalation. Websocket tests run the real consumer and ASGI application in-process."""

import asyncio
from datetime import date, timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from cases_exchange import audit as audit_module
from cases_exchange import services
from cases_exchange.factories import LeadFactory
from cases_exchange.models import LeadRecipient, Notification, NotificationPreference
from cases_exchange.notifications import notify_users, user_group_name
from cases_exchange.workdays import add_working_days, is_working_day_for


@pytest.mark.django_db
def test_notifications_roll_back_with_a_failed_change(world, monkeypatch):
    lead = LeadFactory(author=world.users["A_officer"])
    before = Notification.objects.count()

    def failing_audit(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        services.lead_send(
            actor=world.actors["A_officer"],
            lead=lead,
            distribution="named",
            agency_ids=[world.agencies["B"].pk],
        )
    assert Notification.objects.count() == before
    assert not LeadRecipient.objects.filter(lead=lead).exists()


@pytest.mark.django_db
def test_push_goes_out_only_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        LeadFactory(
            author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
        )
    assert callbacks, "push and e-mail are deferred to commit"

    async def listen_then_commit():
        # One event loop throughout, as in a server: a channel of the Redis pub/sub layer lives in the loop
        # that made it.
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(user_group_name(world.users["B_officer"].pk), channel)
        try:
            receiving = asyncio.create_task(layer.receive(channel))
            await asyncio.sleep(0.5)
            assert not receiving.done(), "nothing is pushed before the commit"
            for callback in callbacks:  # the commit
                await sync_to_async(callback)()
            return await asyncio.wait_for(receiving, timeout=10)
        finally:
            await layer.group_discard(user_group_name(world.users["B_officer"].pk), channel)

    message = async_to_sync(listen_then_commit)()
    row = Notification.objects.get(pk=message["id"])
    assert (message["type"], message["kind"], row.recipient) == (
        "notification.created",
        "lead_received",
        world.users["B_officer"],
    )


@pytest.mark.django_db
def test_email_goes_to_users_who_want_it(world, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=world.users["B_liaison"], email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        LeadFactory(
            author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
        )
    recipients = {address for message in mail.outbox for address in message.to}
    assert world.users["B_officer"].email in recipients
    assert world.users["B_liaison"].email not in recipients
    message = next(m for m in mail.outbox if world.users["B_officer"].email in m.to)
    assert message.subject.startswith("收到新线索 HH-")
    assert "/leads/" in message.body
    assert "某某商行" not in message.body  # no lead details in e-mail
    assert Notification.objects.filter(recipient=world.users["B_officer"], emailed_at__isnull=False).exists()


@pytest.mark.django_db
def test_unsent_email_is_retried_by_the_command(world, settings):
    notify_users(user_ids=[world.users["C_officer"].pk], kind="reminder")  # no commit: e-mail not attempted
    assert not mail.outbox
    call_command("notifications_email")
    assert [m.to for m in mail.outbox] == [[world.users["C_officer"].email]]
    call_command("notifications_email")
    assert len(mail.outbox) == 1


def at_work(day: date, alliance_id=None) -> date:
    """``day``, or the first working day after it: the daily run reminds nobody on weekends and holidays."""
    while not is_working_day_for(day, alliance_id=alliance_id):
        day += timedelta(days=1)
    return day


def overdue(due: date, lead, extra: int = 0) -> date:
    """The working day on which ``due`` is overdue long enough to be escalated (counted in the lead's
    alliance's working days, so that a holiday week between never makes it too early)."""
    alliance = lead.alliance
    return add_working_days(due, alliance.escalate_after_working_days + 1 + extra, alliance_id=alliance.pk)


@pytest.mark.django_db
def test_reminders_before_and_after_the_deadline_and_escalation_once(world):
    lead = LeadFactory(
        author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
    )
    row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
    due = row.accept_due
    counts = services.deadlines_process(today=due - timedelta(days=30))
    assert counts["reminded"] == 0
    counts = services.deadlines_process(today=due)
    assert counts["reminded"] >= 1
    assert services.deadlines_process(today=due)["reminded"] == 0  # once a day
    late = overdue(due, lead)
    counts = services.deadlines_process(today=late)
    assert counts["escalated"] >= 1
    escalated = Notification.objects.filter(lead=lead, kind="escalation")
    recipients = set(escalated.values_list("recipient_id", flat=True))
    assert world.users["A_liaison"].pk in recipients
    assert world.users["A_secretariat"].pk in recipients  # the secretariat's agency sees alliance-wide leads
    assert world.users["B_officer"].pk not in recipients
    assert services.deadlines_process(today=late + timedelta(days=1))["escalated"] == 0
    assert audit_module.AuditEvent.objects.filter(action="escalate", object_id=str(lead.pk)).exists()


@pytest.mark.django_db
def test_an_ended_alliance_runs_no_more_deadlines(world):
    lead = LeadFactory(
        author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
    )
    row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
    world.huaihai.is_active = False
    world.huaihai.save(update_fields=["is_active"])
    late = overdue(row.accept_due, lead)
    services.deadlines_process(today=late)
    kinds = ["reminder", "escalation"]
    assert not Notification.objects.filter(lead=lead, kind__in=kinds).exists()
    assert not LeadRecipient.objects.filter(lead=lead, reminders_sent__gt=0).exists()
    world.huaihai.is_active = True  # resumed: its open deadlines run again
    world.huaihai.save(update_fields=["is_active"])
    services.deadlines_process(today=late)
    sent = set(Notification.objects.filter(lead=lead, kind__in=kinds).values_list("kind", flat=True))
    assert sent == set(kinds)


@pytest.mark.django_db
def test_named_lead_does_not_escalate_to_a_secretariat_that_cannot_see_it(world):
    lead = LeadFactory(
        author=world.users["B_officer"], distribution="named", agency_ids=[world.agencies["C"].pk]
    )
    row = LeadRecipient.objects.get(lead=lead)
    services.deadlines_process(today=overdue(row.accept_due, lead))
    recipients = set(
        Notification.objects.filter(lead=lead, kind="escalation").values_list("recipient_id", flat=True)
    )
    assert world.users["C_liaison"].pk in recipients
    assert world.users["A_secretariat"].pk not in recipients


@pytest.mark.django_db
def test_no_reminder_or_escalation_on_a_holiday_and_both_on_the_next_working_day(world):
    from cases_exchange.models import CalendarDay

    lead = LeadFactory(
        author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
    )
    row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
    LeadRecipient.objects.exclude(lead=lead).update(status="closed")  # the world's other leads
    holiday = overdue(row.accept_due, lead)  # overdue, a working day until made a holiday
    CalendarDay.objects.create(
        date=holiday, kind=CalendarDay.Kind.HOLIDAY, name="测试假日", alliance=world.huaihai
    )
    rest_day = holiday + timedelta(days=1)  # the next weekend day (or holiday) after it
    while is_working_day_for(rest_day, alliance_id=world.huaihai.pk):
        rest_day += timedelta(days=1)
    for day in (holiday, rest_day):
        assert services.deadlines_process(today=day) == {"reminded": 0, "escalated": 0}
    assert not Notification.objects.filter(lead=lead, kind__in=["reminder", "escalation"]).exists()
    counts = services.deadlines_process(today=at_work(holiday + timedelta(days=1), world.huaihai.pk))
    assert counts["reminded"] >= 1
    assert counts["escalated"] >= 1


@pytest.mark.django_db
def test_a_missed_feedback_deadline_is_escalated_after_a_late_acceptance_was(world):
    lead = LeadFactory(
        author=world.users["B_officer"], distribution="named", agency_ids=[world.agencies["C"].pk]
    )
    row = LeadRecipient.objects.get(lead=lead)
    LeadRecipient.objects.exclude(lead=lead).update(status="closed")  # the world's other leads
    late_accept = overdue(row.accept_due, lead)
    assert services.deadlines_process(today=late_accept)["escalated"] == 1
    assert services.deadlines_process(today=overdue(row.accept_due, lead, 1))["escalated"] == 0
    services.recipient_accept(actor=world.actors["C_officer"], recipient=row)
    # Both deadlines on one day (5 working days to accept, 7 calendar days to report can be): the
    # escalation is recorded by stage, not by date.
    LeadRecipient.objects.filter(pk=row.pk).update(feedback_due=row.accept_due)
    row.refresh_from_db()
    late_feedback = overdue(max(row.feedback_due, late_accept), lead)
    assert services.deadlines_process(today=late_feedback)["escalated"] == 1  # was never, before
    next_day = overdue(max(row.feedback_due, late_accept), lead, 1)
    assert services.deadlines_process(today=next_day)["escalated"] == 0  # once per deadline
    to_liaison = Notification.objects.filter(lead=lead, kind="escalation", recipient=world.users["C_liaison"])
    assert to_liaison.count() == 2  # acceptance, then feedback


def test_leads_remind_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("leads_remind", today="21/11/2026")
    call_command("leads_remind", today=date(2026, 11, 21).isoformat())


# --- websocket ----------------------------------------------------------------------------------------


def _make_world_for_websockets():
    """Websocket tests commit for real (transaction=True), so they build their own small world."""
    from alliances.factories import AgencyFactory, AllianceFactory, MembershipFactory
    from portal.factories import UserFactory

    alliance = AllianceFactory()
    sender_agency, receiver_agency = AgencyFactory(), AgencyFactory()
    MembershipFactory(alliance=alliance, agency=sender_agency)
    MembershipFactory(alliance=alliance, agency=receiver_agency)
    sender = UserFactory(agency=sender_agency)
    receiver = UserFactory(agency=receiver_agency)
    return alliance, receiver_agency, sender, receiver


async def _connect(application, user=None, origin="http://testserver", cookies=""):
    headers = [(b"origin", origin.encode()), (b"host", b"testserver")]
    if cookies:
        headers.append((b"cookie", cookies.encode()))
    communicator = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    if user is not None:
        communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.django_db(transaction=True)
def test_websocket_replays_missed_notifications_then_pushes_new_ones(settings):
    from channels.db import database_sync_to_async

    from cases_exchange.consumers import NotificationConsumer

    _alliance, receiver_agency, sender, receiver = _make_world_for_websockets()
    first = LeadFactory(author=sender, distribution="named", agency_ids=[receiver_agency.pk])
    missed = Notification.objects.get(recipient=receiver, lead=first)

    async def scenario():
        communicator, connected, _code = await _connect(NotificationConsumer.as_asgi(), user=receiver)
        assert connected
        await communicator.send_json_to({"type": "hello", "last_id": 0})
        assert await communicator.receive_json_from() == {
            "type": "notification",
            "id": missed.pk,
            "kind": "lead_received",
        }
        assert await communicator.receive_json_from() == {"type": "replayed"}
        await database_sync_to_async(LeadFactory)(
            author=sender, distribution="named", agency_ids=[receiver_agency.pk]
        )
        pushed = await communicator.receive_json_from(timeout=5)
        await communicator.send_json_to({"type": "ping"})
        pong = await communicator.receive_json_from()
        await communicator.disconnect()
        return pushed, pong

    pushed, pong = async_to_sync(scenario)()
    latest = Notification.objects.filter(recipient=receiver).latest("id")
    assert pushed == {"type": "notification", "id": latest.pk, "kind": "lead_received"}
    assert pong == {"type": "pong"}


@pytest.mark.django_db(transaction=True)
def test_websocket_refuses_anonymous_users_and_foreign_origins(client):
    from portal.asgi import application

    _alliance, _agency, _sender, receiver = _make_world_for_websockets()
    client.force_login(receiver)
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    async def scenario():
        _anonymous, connected_anonymous, code = await _connect(application)
        _foreign, connected_foreign, _code = await _connect(
            application, origin="http://evil.example", cookies=cookie
        )
        signed_in, connected_signed_in, _code = await _connect(application, cookies=cookie)
        if connected_signed_in:
            await signed_in.disconnect()
        return connected_anonymous, code, connected_foreign, connected_signed_in

    connected_anonymous, code, connected_foreign, connected_signed_in = async_to_sync(scenario)()
    assert (connected_anonymous, code) == (False, 4401)
    assert connected_foreign is False
    assert connected_signed_in is True


@pytest.mark.django_db(transaction=True)
def test_a_push_that_arrives_before_an_earlier_one_is_repaired_from_the_database():
    """Pushes from different processes may overtake each other. A push whose predecessor the connection
    has not seen makes the consumer read the gap from the database, so the client still gets both in order."""
    from channels.db import database_sync_to_async

    from cases_exchange.consumers import NotificationConsumer

    _alliance, _agency, _sender, receiver = _make_world_for_websockets()

    async def scenario():
        communicator, connected, _code = await _connect(NotificationConsumer.as_asgi(), user=receiver)
        assert connected
        await communicator.send_json_to({"type": "hello", "last_id": 0})
        assert await communicator.receive_json_from() == {"type": "replayed"}
        create = database_sync_to_async(Notification.objects.create)
        earlier = await create(recipient=receiver, kind="reminder")
        later = await create(recipient=receiver, kind="reminder")
        layer = get_channel_layer()
        # Only the later push arrives; the earlier one is lost.
        await layer.group_send(
            user_group_name(receiver.pk),
            {"type": "notification.created", "id": later.pk, "kind": "reminder", "prev": earlier.pk},
        )
        first = await communicator.receive_json_from(timeout=5)
        second = await communicator.receive_json_from(timeout=5)
        # A push whose predecessor was covered is forwarded without a database read.
        newest = await create(recipient=receiver, kind="reminder")
        await layer.group_send(
            user_group_name(receiver.pk),
            {"type": "notification.created", "id": newest.pk, "kind": "reminder", "prev": later.pk},
        )
        third = await communicator.receive_json_from(timeout=5)
        await communicator.disconnect()
        return [first["id"], second["id"], third["id"]], [earlier.pk, later.pk, newest.pk]

    received, expected = async_to_sync(scenario)()
    assert received == expected


@pytest.mark.django_db
def test_a_deactivated_agency_is_told_nothing_more(world, client, django_capture_on_commit_callbacks):
    """Once an agency is deactivated its users see no lead, so they get no new notifications, no e-mail
    for ones still unsent, and the unread counter counts none about leads."""
    lead = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    officer = world.users["B_officer"]
    assert Notification.objects.filter(recipient=officer, lead=lead, emailed_at__isnull=True).exists()
    agency = world.agencies["B"]
    agency.is_active = False
    agency.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=world.actors["A_officer"], lead=lead, body="补充了新的证据")
    assert not Notification.objects.filter(recipient=officer, kind="lead_comment").exists()
    call_command("notifications_email")  # the delivery notice written before, never e-mailed
    assert officer.email not in {address for message in mail.outbox for address in message.to}
    client.force_login(officer)
    assert client.get(reverse("cases_exchange:notification_feed")).json()["unread"] == 0


@pytest.mark.django_db
def test_replay_reads_who_the_user_is_now_not_at_the_handshake(world):
    """A websocket connection keeps its user object for hours; replays check access as it is now."""
    from cases_exchange.consumers import replay_with_watermark

    officer = world.users["B_officer"]
    LeadFactory(author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk])
    items, _ = replay_with_watermark(officer, 0)
    assert [kind for _, kind in items] == ["lead_received"]
    agency = world.agencies["B"]
    agency.is_active = False
    agency.save()
    assert replay_with_watermark(officer, 0)[0] == []  # same user object as before
    agency.is_active = True
    agency.save()
    type(officer).objects.filter(pk=officer.pk).update(is_active=False)
    assert replay_with_watermark(officer, 0)[0] == []


@pytest.mark.django_db(transaction=True)
def test_the_daily_run_and_an_officer_s_accept_never_deadlock(monkeypatch):
    """PostgreSQL: the reminder run locks a recipient row the way an officer's action does (row, then the
    audit chain); before, it took the chain first, and the two could deadlock. An accept that commits
    while the run waits is seen by it: no accept-deadline escalation for a row already accepted."""
    import threading

    from django.db import connection, connections

    from cases_exchange.permissions import actor_for_user
    from tests.conftest import require

    require("POSTGRES", connection.vendor == "postgresql", "row locks are PostgreSQL's")
    _alliance, receiver_agency, sender, receiver = _make_world_for_websockets()
    lead = LeadFactory(author=sender, distribution="named", agency_ids=[receiver_agency.pk])
    row = LeadRecipient.objects.get(lead=lead)
    LeadRecipient.objects.exclude(pk=row.pk).update(status="closed")
    today = overdue(row.accept_due, lead, 10)  # long overdue: a run would remind and escalate
    locked, go, outcome = threading.Event(), threading.Event(), {}
    real = services._locked_recipient

    def accept_holding_the_row(actor, recipient):
        held = real(actor, recipient)
        locked.set()
        go.wait(10)
        return held

    monkeypatch.setattr(services, "_locked_recipient", accept_holding_the_row)

    def officer():
        try:
            services.recipient_accept(actor=actor_for_user(receiver), recipient=row)
        except Exception as error:  # recorded for the assertion below
            outcome["accept"] = error
        finally:
            connections.close_all()

    def daily_run():
        try:
            outcome["counts"] = services.deadlines_process(today=today)
        except Exception as error:
            outcome["run"] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=officer)
    first.start()
    assert locked.wait(10)
    second = threading.Thread(target=daily_run)
    second.start()
    second.join(1.0)  # the run now waits for the row the officer holds
    go.set()
    first.join(30)
    second.join(30)
    assert "accept" not in outcome, outcome
    assert "run" not in outcome, outcome
    assert LeadRecipient.objects.get(pk=row.pk).status == "accepted"
    assert not Notification.objects.filter(lead=lead, kind="escalation").exists()


def test_a_status_update_says_what_the_receiving_agency_did(world, client):
    from django.utils import translation

    from cases_exchange.permissions import actor_for_user
    from cases_exchange.presentation import notification_text

    lead = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    b_officer = actor_for_user(world.users["B_officer"])
    row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
    row = services.recipient_mark_read(actor=b_officer, recipient=row)
    row = services.recipient_accept(actor=b_officer, recipient=row)
    services.recipient_feedback(actor=b_officer, recipient=row, kind="to_police", persons_transferred=2)
    updates = Notification.objects.filter(recipient=world.users["A_officer"], kind="lead_status").order_by(
        "id"
    )
    titles = [notification_text(n)[0] for n in updates]
    assert titles == [f"线索 {lead.reference}：{status}" for status in ("已阅", "已受理", "已反馈")]
    assert notification_text(updates[1])[1] == f"{lead.title}（宿迁市市场监督管理局）"
    with translation.override("en"):
        assert notification_text(updates[1])[0] == f"Lead {lead.reference}: Accepted"
    # The list the officer reads and the feed the page's live counter fetches say the same.
    client.force_login(world.users["A_officer"])
    assert f"线索 {lead.reference}：已受理" in client.get("/notifications/").content.decode()
    feed = client.get("/notifications/feed", {"after": 0}).json()["items"]
    assert [item["title"] for item in feed if item["kind"] == "lead_status"] == titles

"""Accounts: roles, agencies and the groups they imply; the admin forms; sign-in."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from portal.models import User
from portal.services import user_create, user_sync_groups

pytestmark = pytest.mark.django_db


def group_names(user):
    return set(user.groups.values_list("name", flat=True))


def test_officer_is_put_in_the_agency_group(demo):
    user = user_create(username="new_officer", password="x" * 12, role="officer", agency=demo.xuzhou_msa)
    assert group_names(user) == {"成员单位：徐州市市场监督管理局"}


def test_editor_and_reviewer_use_wagtail_moderation_groups(demo):
    editor = user_create(username="e2", password=None, role="editor")
    reviewer = user_create(username="r2", password=None, role="reviewer")
    assert group_names(editor) == {"编辑"}
    assert group_names(reviewer) == {"审核"}
    # The default moderation workflow's approval task belongs to the reviewers' group.
    from wagtail.models import GroupApprovalTask

    task = GroupApprovalTask.objects.first()
    assert Group.objects.get(name="审核") in task.groups.all()


def test_changing_agency_and_role_moves_groups_but_keeps_other_groups(demo):
    user = user_create(username="mover", password=None, role="secretariat", agency=demo.xuzhou_msa)
    extra = Group.objects.create(name="专项行动组")
    user.groups.add(extra)
    user.agency = demo.chengdu_msa
    user.role = "officer"
    user.save()
    user_sync_groups(user=user)
    assert group_names(user) == {"成员单位：成都市市场监督管理局", "专项行动组"}


def test_agency_role_without_agency_is_rejected(demo):
    with pytest.raises(ValidationError) as error:
        user_create(username="lost", password=None, role="officer")
    assert "必须属于一个成员单位" in str(error.value)
    assert not User.objects.filter(username="lost").exists()


def test_secretariat_group_may_manage_alliances_in_admin(demo):
    user = user_create(username="sec2", password=None, role="secretariat", agency=demo.xuzhou_msa)
    user = User.objects.get(pk=user.pk)
    assert user.has_perm("wagtailadmin.access_admin")
    assert user.has_perm("alliances.change_agency")
    assert not user.has_perm("alliances.delete_alliance")


def test_admin_user_form_saves_agency_role_and_groups(client, demo):
    admin = User.objects.get(username="admin")
    client.force_login(admin)
    response = client.post(
        "/admin/users/new/",
        {
            "username": "form_officer",
            "email": "fo@example.gov.cn",
            "first_name": "",
            "last_name": "",
            "full_name": "表单办案员",
            "agency": demo.chengdu_msa.pk,
            "role": "officer",
            "job_title": "科员",
            "phone": "",
            "password1": "Long-enough-pw-2026",
            "password2": "Long-enough-pw-2026",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="form_officer")
    assert (user.full_name, user.agency, user.role) == ("表单办案员", demo.chengdu_msa, "officer")
    assert group_names(user) == {"成员单位：成都市市场监督管理局"}


def test_admin_user_form_requires_agency_for_officers(client, demo):
    client.force_login(User.objects.get(username="admin"))
    response = client.post(
        "/admin/users/new/",
        {
            "username": "no_agency",
            "email": "na@example.gov.cn",
            "full_name": "无单位",
            "role": "officer",
            "password1": "x1",
            "password2": "x1",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("“办案人员”必须属于一个成员单位。") == 1  # once, not from the form and the model both
    assert not User.objects.filter(username="no_agency").exists()
    # Django's own password rules speak Chinese too (its Chinese catalogue lags its English message).
    assert "密码太短，至少需要 10 个字符。" in page
    assert "This password is too short" not in page


def test_sign_in_page_signs_officer_in(client, demo):
    response = client.post("/accounts/login/", {"username": "xz_officer", "password": "demo-portal-2026"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert response.url == "/leads/"  # the officer's work, not the public home page


def test_someone_without_lead_work_signs_in_to_the_home_page_and_next_is_followed(client, demo):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("web_editor", password="Long-enough-pw-2026")
    response = client.post("/accounts/login/", {"username": "web_editor", "password": "Long-enough-pw-2026"})
    assert response.url == "/"
    client.logout()
    response = client.post(
        "/accounts/login/?next=/leads/clusters/", {"username": "xz_officer", "password": "demo-portal-2026"}
    )
    assert response.url == "/leads/clusters/"


def test_sign_in_with_wrong_password_shows_chinese_error(client, demo):
    response = client.post("/accounts/login/", {"username": "xz_officer", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()

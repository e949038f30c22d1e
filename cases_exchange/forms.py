"""Forms of the officer interface. They validate shape; the services enforce the rules."""

import re

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from alliances.models import Agency, Alliance
from portal.identifiers import is_shop_address, normalise_credit_code
from portal.languages import on_english_pages

from . import services
from .models import CaseLead, Distribution, FeedbackKind, SharingGroup
from .services import EDITABLE_FIELDS, IDENTIFIER_FORMS

#: Identifier fields typed with spaces and prefixes, and how long the typed text may be.
WRITTEN_WITH_SPACES = ("suspect_credit_code", "patent_number", "trademark_number", "suspect_phone")
TYPED_LENGTH = 40


def _agency_label(agency) -> str:
    """An agency in a form's choices: its name, and on English pages its city in English after it — the
    names are Chinese, and an English reader filters the list by typing "Lianyungang"."""
    return f"{agency.name} · {agency.city_label}" if on_english_pages() else agency.name


def _alliance_label(alliance) -> str:
    """An alliance in a form's choices, named in the page's language."""
    return alliance.label


class LeadForm(forms.ModelForm):
    class Meta:
        model = CaseLead
        fields = [f for f in EDITABLE_FIELDS if f != "location_division_code"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "details": forms.Textarea(attrs={"rows": 8}),
            "estimated_value": forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
        }

    def __init__(self, *args, alliances=None, **kwargs):
        super().__init__(*args, **kwargs)
        if alliances is not None:
            self.fields["alliance"].queryset = alliances
            self.fields["alliance"].empty_label = None
        self.fields["alliance"].label_from_instance = _alliance_label
        self.fields["suspect_credit_code"].help_text = _("18 位，系统会核对校验位，例如 91350200776049653A。")
        self.fields["patent_number"].help_text = _("可带 ZL、空格和小数点，校验位可省略。")
        # Officers copy identifiers as printed — ZL 2017 1 0601862.3, 9135 0200 7760 4965 3A — longer than
        # the stored form; the box must not cut them off before they are normalised.
        for name in WRITTEN_WITH_SPACES:
            field = self.fields[name]
            field.max_length = TYPED_LENGTH
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLengthValidator(TYPED_LENGTH))
            field.widget.attrs["maxlength"] = str(TYPED_LENGTH)

    def clean_suspect_credit_code(self):
        return normalise_credit_code(self.cleaned_data.get("suspect_credit_code") or "")

    def _normalised(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return ""
        normalise, message = IDENTIFIER_FORMS[name]
        number = normalise(value)
        if number is None:
            raise forms.ValidationError(message, code=name)
        return number

    def clean_patent_number(self):
        return self._normalised("patent_number")

    def clean_trademark_number(self):
        return self._normalised("trademark_number")

    def clean_suspect_phone(self):
        return self._normalised("suspect_phone")

    def clean(self):
        data = super().clean()
        rules = services.lead_rule_errors(
            suspect_shop_url=data.get("suspect_shop_url") or "",
            is_key_protection=bool(data.get("is_key_protection")),
            key_protection_reason=data.get("key_protection_reason") or "",
            ip_type=data.get("ip_type") or "",
            infringement_type=data.get("infringement_type") or "",
        )
        for name, message in rules.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class RecipientsForm(forms.Form):
    """Agencies named one by one or through a sharing group — more recipients for a lead already sent
    (追加通报), and the named level of :class:`SendForm`."""

    agencies = forms.ModelMultipleChoiceField(
        label=_("接收单位"),
        queryset=Agency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sharing_group = forms.ModelChoiceField(
        label=_("通报组"), queryset=SharingGroup.objects.none(), required=False
    )

    def __init__(self, *args, agencies, sharing_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].label_from_instance = _agency_label
        self.fields["sharing_group"].queryset = sharing_groups


class SendForm(RecipientsForm):
    distribution = forms.ChoiceField(
        label=_("通报范围"),
        choices=[c for c in Distribution.choices if c[0] != Distribution.DRAFT],
        widget=forms.RadioSelect,
        initial=Distribution.NAMED,
    )
    alliances = forms.ModelMultipleChoiceField(
        label=_("通报联盟"),
        queryset=Alliance.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["distribution", "agencies", "sharing_group", "alliances"]

    def __init__(self, *args, alliances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alliances"].queryset = alliances
        self.fields["alliances"].label_from_instance = _alliance_label


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


COUNT_ERRORS = {
    "invalid": services.COUNT_MESSAGE,
    "min_value": services.COUNT_MESSAGE,
    "max_value": services.COUNT_TOO_LARGE_MESSAGE,
}
AMOUNT_ERRORS = {
    "invalid": services.AMOUNT_MESSAGE,
    "min_value": services.AMOUNT_RANGE_MESSAGE,
    "max_decimal_places": services.AMOUNT_RANGE_MESSAGE,
    "max_digits": services.AMOUNT_TOO_LARGE_MESSAGE,
    "max_whole_digits": services.AMOUNT_TOO_LARGE_MESSAGE,
}
COUNT = {"min_value": 0, "max_value": services.MAX_COUNT, "required": False, "error_messages": COUNT_ERRORS}
AMOUNT = {
    "min_value": 0,
    "max_digits": 14,
    "decimal_places": 2,
    "required": False,
    "error_messages": AMOUNT_ERRORS,
}


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=_("反馈结果"), choices=FeedbackKind.choices)
    case_number = forms.CharField(
        label=_("案件编号"), max_length=60, required=False, help_text=_("立案时必填，填写立案决定书文号。")
    )
    goods_seized = forms.IntegerField(label=_("查扣物品（件）"), **COUNT)
    value_involved = forms.DecimalField(label=_("涉案金额（元）"), **AMOUNT)
    fines = forms.DecimalField(label=_("罚没款（元）"), **AMOUNT)
    persons_transferred = forms.IntegerField(label=_("移送公安人数"), **COUNT)
    note = forms.CharField(
        label=_("反馈说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("不予立案时必填，写明理由；不予立案不填写查处数据。"),
    )

    FIGURES = ("goods_seized", "value_involved", "fines", "persons_transferred")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind:  # the rules between fields, asked with the fields' own checks so both show at once
            figures = {name: data[name] for name in self.FIGURES if name in data}
            for name, message in services.feedback_rule_errors(
                kind=kind, note=data.get("note", ""), case_number=data.get("case_number", ""), figures=figures
            ).items():
                if name not in self.errors:  # a field that could not be read says that first
                    self.add_error(name, message)
        return data


def upload_limit_attrs() -> dict:
    """Attributes of a file box with which the page refuses a file over the size limit as soon as it is
    chosen (workspace.js), before minutes of uploading it; the server checks again."""
    from django.template.defaultfilters import filesizeformat

    limit = services.attachment_limit()
    return {
        "data-max-bytes": str(limit),
        "data-too-big": _("这些文件超过 %(limit)s，不能上传：") % {"limit": filesizeformat(limit)},
    }


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))
    is_sensitive = forms.BooleanField(
        label=_("证据材料（受限线索时仅获准单位可见）"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(upload_limit_attrs())


class SharingGroupForm(forms.Form):
    name = forms.CharField(label=_("通报组名称"), max_length=60)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=_("成员单位"), queryset=Agency.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies
        self.fields["agencies"].label_from_instance = _agency_label


TOO_SHORT = _("请至少写 %(limit_value)d 个字，说明在哪里、发现了什么（目前 %(show_value)d 个字）。")


class TipForm(forms.Form):
    """The public tip form (举报). ``website`` is a honeypot: people never see or fill it."""

    city = forms.ChoiceField(
        label=_("发生地城市"), error_messages={"required": _("请选择侵权行为发生的城市。")}
    )
    # No choice made for the visitor: a preselected 专利 / 电商 filed a counterfeit-liquor tip as a patent
    # one when the visitor did not touch the lists.
    ip_type = forms.ChoiceField(
        label=_("知识产权类型"),
        choices=[("", _("请选择")), *CaseLead._meta.get_field("ip_type").choices],
        help_text=_("不确定时选最接近的一项，受理单位会核实。"),
        error_messages={"required": _("请选择知识产权类型。")},
    )
    channel = forms.ChoiceField(
        label=_("发现渠道"),
        choices=[("", _("请选择")), *CaseLead._meta.get_field("channel").choices],
        error_messages={"required": _("请选择在哪里发现的。")},
    )
    title = forms.CharField(
        label=_("举报事项"), max_length=120, help_text=_("一句话说明，例如：某网店销售假冒某品牌白酒")
    )
    summary = forms.CharField(
        label=_("具体情况"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        min_length=10,
        error_messages={
            "min_length": _(
                "请至少写 %(limit_value)d 个字，说明在哪里、发现了什么（目前 %(show_value)d 个字）。"
            )
        },
    )
    suspect_name = forms.CharField(label=_("被举报对象名称"), max_length=120, required=False)
    suspect_shop_url = forms.CharField(label=_("网店或网页地址"), max_length=300, required=False)
    location_address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("您的联系方式（选填）"),
        max_length=100,
        required=False,
        help_text=_("可匿名举报；留下联系方式便于核实，仅受理单位可见。"),
    )
    website = forms.CharField(
        required=False,
        label=_("请勿填写"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("请选择城市")), *cities]

    def clean_suspect_shop_url(self):
        address = self.cleaned_data["suspect_shop_url"].strip()
        if address and not is_shop_address(address):
            raise forms.ValidationError(
                _("请填写网址，例如 shop123.taobao.com；店铺名称可以写在“被举报对象名称”中。"), code="address"
            )
        return address


class TipStatusForm(forms.Form):
    # Read as written down or said over the phone: JBCW-KLDJ-44Q8, "jbcw kldj 44q8".
    reference = forms.CharField(label=_("查询编号"), max_length=24)

    def clean_reference(self):
        reference = re.sub(r"[\s\-－—_.·]", "", self.cleaned_data["reference"]).upper()
        if not re.fullmatch(r"JB[A-Z0-9]{10}", reference):
            raise forms.ValidationError(
                _("查询编号为 JB 开头的 12 位字母和数字，例如 JB74GS53EQDQ。"), code="reference"
            )
        return reference

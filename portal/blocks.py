"""The one StreamField block set shared by every public page type (bakerydemo's ``BaseStreamBlock``).

Each block renders through ``templates/blocks/<block>.html``. Rich text is limited to features whose
output Wagtail sanitises on save (no raw HTML block exists on purpose).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4", "superscript"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("标题"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("级别"),
        choices=[("h2", _("二级标题")), ("h3", _("三级标题")), ("h4", _("四级标题"))],
        default="h2",
        search_index=False,  # the editor's choice, not the page's words
    )

    class Meta:
        icon = "title"
        label = _("标题")
        template = "blocks/heading_block.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("图片"))
    alt = blocks.CharBlock(label=_("替代文字"), max_length=200, help_text=_("为读屏用户描述图片内容。"))
    caption = blocks.CharBlock(label=_("图注"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("图片")
        template = "blocks/image_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("引文"))
    attribution = blocks.CharBlock(label=_("出处"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("引文")
        template = "blocks/quote_block.html"


class NoticeBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        label=_("类型"),
        choices=[("info", _("提示")), ("warning", _("注意"))],
        default="info",
        search_index=False,
    )
    text = blocks.RichTextBlock(label=_("内容"), features=["bold", "link", "ul", "ol"])

    class Meta:
        icon = "warning"
        label = _("提示框")
        template = "blocks/notice_block.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("文件"))
    title = blocks.CharBlock(label=_("显示名称"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("附件")
        template = "blocks/document_block.html"


class FigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("数值"), max_length=30, help_text=_("例如：60 亿元"))
    label = blocks.CharBlock(label=_("说明"), max_length=60)


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("标题"), required=False, max_length=80)
    figures = blocks.ListBlock(FigureBlock(), label=_("数据"), min_num=1, max_num=8)

    class Meta:
        icon = "list-ul"
        label = _("关键数据")
        template = "blocks/key_figures_block.html"


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("段落"), features=RICH_TEXT_FEATURES, icon="pilcrow", template="blocks/paragraph_block.html"
    )
    image = ImageBlock()
    quote = QuoteBlock()
    notice = NoticeBlock()
    document = DocumentBlock()
    key_figures = KeyFiguresBlock()

"""The ``/api/v1/`` API (django-ninja): one NinjaAPI, one error format, agency-scoped token auth.

django-ninja rather than DRF: Wagtail 8 already depends on it, it builds the OpenAPI document from typed
schemas (``/api/v1/openapi.json``), and handlers stay thin functions calling services and selectors.
Apps contribute routers; they are mounted in :func:`build_api`.
"""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import AnonRateThrottle


class ErrorDetail(Schema):
    loc: list[str | int] = []
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorOut(Schema):
    """Every error answer of the API has this shape, whatever went wrong."""

    error: ErrorBody


@dataclass
class ApiPrincipal:
    """Who is calling: an agency through its token, or a signed-in user (browser session)."""

    agency: object | None
    user: object | None = None
    token: object | None = None


class AgencyTokenAuth(HttpBearer):
    """``Authorization: Bearer ipp_…`` — a token issued to one agency (``manage.py agency_token``)."""

    def authenticate(self, request, token):
        from alliances.services import agency_token_authenticate

        record = agency_token_authenticate(raw=token)
        if record is None:
            return None
        request.api_principal = ApiPrincipal(agency=record.agency, token=record)
        return request.api_principal


def error_response(api, request, *, status: int, code: str, message: str, details=None):
    return api.create_response(
        request, {"error": {"code": code, "message": message, "details": details or []}}, status=status
    )


def _validation_details(errors) -> list[dict]:
    details = []
    for error in errors:
        loc = [part for part in error.get("loc", ()) if part not in ("body", "payload")]
        details.append({"loc": loc, "message": str(error.get("msg", ""))})
    return details


def install_error_handlers(api: NinjaAPI) -> None:
    """Map every failure to :class:`ErrorOut` with a translated message and a stable ``code``."""

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        return error_response(
            api,
            request,
            status=422,
            code="validation_error",
            message=_("请求参数无效，请检查后重试。"),
            details=_validation_details(exc.errors),
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication(request, exc):
        return error_response(
            api, request, status=401, code="not_authenticated", message=_("需要有效的接口令牌或登录。")
        )

    @api.exception_handler(AuthorizationError)
    def on_authorization(request, exc):
        # Callers are told "not found" rather than "forbidden" wherever an object's existence is secret;
        # this handler is for the remaining cases, such as a role that may not use an endpoint at all.
        return error_response(api, request, status=403, code="forbidden", message=_("无权执行此操作。"))

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return error_response(api, request, status=404, code="not_found", message=_("未找到请求的资源。"))

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        codes = {
            400: "bad_request",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            429: "throttled",
        }
        message = str(exc.message) if exc.status_code != 429 else _("请求过于频繁，请稍后再试。")
        return error_response(
            api, request, status=exc.status_code, code=codes.get(exc.status_code, "error"), message=message
        )


def build_api() -> NinjaAPI:
    from alliances.api import router as alliances_router
    from cases_exchange.api import ValidationFailed
    from cases_exchange.api import router as leads_router
    from search.api import router as search_router

    api = NinjaAPI(
        title="知识产权保护协作门户 API",
        version="1",
        description=(
            "成员单位办案系统与公众查询接口。需要认证的接口使用单位令牌：`Authorization: Bearer ipp_…`。"
            '错误统一返回 `{"error": {"code", "message", "details"}}`。'
        ),
        urls_namespace="api-v1",
        openapi_url="/openapi.json",
        docs_url="/docs",
        throttle=[AnonRateThrottle("120/m")],
    )
    install_error_handlers(api)

    @api.exception_handler(ValidationFailed)
    def on_rule(request, exc):
        from cases_exchange.api import _validation_details

        error = exc.args[0]
        details = _validation_details(error)
        message = details[0]["message"] if details else _("请求参数无效，请检查后重试。")
        return error_response(api, request, status=422, code="rejected", message=message, details=details)

    api.add_router("/", alliances_router)
    api.add_router("/", leads_router)
    api.add_router("/", search_router)
    return api


api = build_api()

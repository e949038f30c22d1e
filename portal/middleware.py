"""Request language for API clients.

Pages carry their language in the URL (``/`` Chinese, ``/en/`` English). The API has no URL prefix, so
its error messages follow the client's ``Accept-Language`` header instead (Chinese by default).
"""

from inspect import iscoroutinefunction

from django.utils import translation
from django.utils.decorators import sync_and_async_middleware


def _activate_for_api(request) -> None:
    if request.path_info.startswith("/api/"):
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()


@sync_and_async_middleware
def api_language_middleware(get_response):
    # Both flavours, so that under ASGI this costs no thread switch.
    if iscoroutinefunction(get_response):

        async def middleware(request):
            _activate_for_api(request)
            return await get_response(request)

    else:

        def middleware(request):
            _activate_for_api(request)
            return get_response(request)

    return middleware

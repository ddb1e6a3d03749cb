class VietnameseFirstMiddleware:
    """Pages are Vietnamese unless the user chose English with the language switch.

    Offices often run browsers set to English; Django would follow their Accept-Language header. The
    explicit choice (the language cookie set by the switch) still wins, because it is read first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """?page=2&page_size=100: pages of 50 by default; a national list of 10,000 communes takes 20 pages of 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

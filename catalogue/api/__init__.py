"""The read-only JSON API for researchers, version 1 (mounted at /api/v1/ by config/api_urls.py).

- `querysets`: what each endpoint reads, published records only, with everything its serializer nests;
- `base`: pagination, the page's FilterSet as a filter backend, ETag/Last-Modified, throttling;
- `serializers`: the flat endpoints (studies, findings, changes) and what a programme adds in full,
  on top of the shared shapes in `catalogue/serializers.py`;
- `schema`: the OpenAPI descriptions of the programme filters;
- `views`: the viewsets. docs/api.md describes the endpoints.
"""

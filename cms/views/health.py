from django.http import JsonResponse


def healthz(request):
    # Placeholder until the foundation's health checks land.
    return JsonResponse({"status": "ok"})

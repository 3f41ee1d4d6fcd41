from django.http import HttpResponse

def dashboard(request): return HttpResponse("")
def healthz(request): return HttpResponse("ok")
def sign_out(request): return HttpResponse("")
def not_found(request, exception=None): return HttpResponse(status=404)
def forbidden(request, exception=None): return HttpResponse(status=403)
from django.contrib.auth.views import LoginView as SignInView

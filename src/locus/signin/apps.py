from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "locus.signin"
    label = "signin"
    verbose_name = "Second factor"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from locus.signin.middleware import remember_second_factor, remember_sign_in_time

        user_logged_in.connect(remember_second_factor, dispatch_uid="locus-second-factor")
        user_logged_in.connect(remember_sign_in_time, dispatch_uid="locus-sign-in-time")

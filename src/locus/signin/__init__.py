"""The second factor: TOTP and single-use recovery codes (django-otp), enrolment, verification
and an administrator's reset, each on the record (:class:`SecondFactorEvent`)."""

"""The learners' own accounts: sign-in, sign-out, password change, login throttling.

forms and views for the pages under /accounts/ (staff sign in through Wagtail's
admin), the client address that django-axes counts failures against, and the
retention of axes' login records with the Celery task that runs it.
"""

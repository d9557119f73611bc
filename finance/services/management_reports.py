"""Sending the management report: built and told once a month, its Excel file e-mailed once."""
import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shopteam import excel
from shopteam.notifications.services import notify
from shopteam.queueing import task_named

from .. import reports
from ..models import ManagementReport, first_of_month
from .notices import MESSAGES, finance_people, managers

MAIL_LEASE = datetime.timedelta(minutes=10)


def report_readers() -> list[User]:
    """Who gets the monthly report: the shop manager and finance."""
    return list({*managers(), *finance_people()})


def send_monthly_report(*, today: datetime.date | None = None) -> ManagementReport | None:
    """On the 1st: build last month's management report and tell the shop manager and finance (in the app and
    by e-mail, the Excel attached by the mail task queued after commit). Run twice, or twice at once, it sends
    once: one row per period, claimed by a conditional update. Returns the row, or None if already sent."""
    today = today or timezone.localdate()
    period = reports.Period.month(first_of_month(today) - datetime.timedelta(days=1))
    row = _report_row(period)
    with transaction.atomic():
        now = timezone.now()
        if not ManagementReport.objects.filter(pk=row.pk, built_at__isnull=True).update(built_at=now):
            return None
        report = reports.management_report(period)
        row.built_at = now
        row.summary = reports.summary(report)
        row.save(update_fields=["summary"])
        totals = report["totals"]
        target = report["target"]["amount"]
        notify(report_readers(), title=MESSAGES["report.monthly"][0], body=MESSAGES["report.monthly"][1],
               params={"period": period.code, "net_sales": f"{totals['net_sales']:,.2f}",
                       "target": f"{target:,.2f}" if target is not None else "—",
                       "income": f"{totals['income']:,.2f}", "expense": f"{totals['expense']:,.2f}"},
               url=report_url(period), event="report.monthly")
        task_named("finance.tasks.mail_management_report").delay_on_commit(row.pk)
    return row


def _report_row(period: reports.Period) -> ManagementReport:
    try:
        with transaction.atomic():
            return ManagementReport.objects.get_or_create(kind=period.kind, start=period.start)[0]
    except IntegrityError:
        return ManagementReport.objects.get(kind=period.kind, start=period.start)


def report_url(period: reports.Period) -> str:
    return reverse("finance:reports") + f"?period={period.code}"


def mail_management_report(report_id: int) -> bool:
    """E-mail the report's Excel file to its readers who have an address; once (a claim with a lease, so a
    worker that died mid-send is taken over). Raises on a failed send, after recording it, so the task
    retries. Returns True if this call sent it."""
    now = timezone.now()
    claimed = ManagementReport.objects.filter(pk=report_id, mailed_at__isnull=True).filter(
        Q(mail_claimed_at__isnull=True) | Q(mail_claimed_at__lt=now - MAIL_LEASE)
    ).update(mail_claimed_at=now)
    if not claimed:
        return False
    row = ManagementReport.objects.get(pk=report_id)
    mine = ManagementReport.objects.filter(pk=report_id, mail_claimed_at=now)
    addresses = sorted({user.email for user in report_readers() if user.email and user.is_active})
    period = reports.Period.month(row.start) if row.kind == "month" else reports.Period.parse(str(row.start.year))
    try:
        with translation.override(settings.LANGUAGE_CODE):
            book = reports.excel(reports.management_report(period))
            subject = str(_("Management report %(period)s") % {"period": period.code})
            body = str(_("The management report for %(period)s is attached. The latest figures are on %(link)s")
                       % {"period": period.code, "link": settings.SITE_URL.rstrip("/") + report_url(period)})
            filename = f"{_('Management report')}-{period.code}.xlsx"
        if addresses:
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, addresses)
            message.attach(filename, excel.to_bytes(book), excel.XLSX)
            message.send()
    except OSError as error:
        mine.update(mail_claimed_at=None, mail_error=f"{type(error).__name__}: {error}")
        raise
    mine.update(mailed_at=timezone.now(), mail_error="")
    return True


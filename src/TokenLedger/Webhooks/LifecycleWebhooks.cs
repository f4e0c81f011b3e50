using NodaTime.Text;
using TokenLedger.Contracts.Webhooks;
using TokenLedger.Invoicing;
using TokenLedger.Receivables;

namespace TokenLedger.Webhooks;

/// <summary>
/// The webhook events of lifecycle facts. The facts are relayed from the event store by the same durable subscription
/// that relays prepayment and dunning signals (its outbox rows commit with its progress), so an issued invoice or a
/// received payment is announced once it is committed, exactly as the signals are.
/// </summary>
public static class LifecycleWebhooks
{
    public static WebhookEventRaised Issued(InvoiceIssued e) => WebhookEventRaised.Of(
        WebhookEventTypes.InvoiceIssued, e.Number, e.TenantId, null, e.IssuedAt.ToDateTimeOffset(),
        new InvoiceIssuedV1(e.Number, e.TenantId, e.Period, e.PeriodStart.ToDateTimeOffset(), e.PeriodEnd.ToDateTimeOffset(),
            LocalDatePattern.Iso.Format(e.IssueDate), LocalDatePattern.Iso.Format(e.DueDate), e.Currency, e.Subtotal, e.TaxTotal, e.Total,
            e.PrepaidApplied, e.AmountDue, e.IssuedAt.ToDateTimeOffset()));

    public static WebhookEventRaised Received(PaymentReceived e) => WebhookEventRaised.Of(
        WebhookEventTypes.PaymentReceived, e.PaymentId, e.TenantId, null, e.RecordedAt.ToDateTimeOffset(),
        new PaymentReceivedV1(e.PaymentId, e.TenantId, e.Reference, e.Amount, e.Currency, e.Method,
            e.Allocations.Select(a => new PaymentAllocationV1(a.InvoiceNumber, a.Amount)).ToList(), e.ToWalletCredit,
            e.ReceivedAt.ToDateTimeOffset(), e.RecordedAt.ToDateTimeOffset()));
}

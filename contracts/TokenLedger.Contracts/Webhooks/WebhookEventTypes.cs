namespace TokenLedger.Contracts.Webhooks;

/// <summary>
/// The event types of TokenLedger's outgoing webhooks (Standard Webhooks payload <c>{"type", "timestamp", "data"}</c>).
/// A subscription's filter names these, or a prefix with <c>.*</c> (<c>cap.*</c>); no filter receives them all.
/// </summary>
public static class WebhookEventTypes
{
    public const string CapWarning = "cap.warning";
    public const string CapReached = "cap.reached";
    public const string CapRecovered = "cap.recovered";
    public const string CreditLimitWarning = "credit-limit.warning";
    public const string CreditLimitReached = "credit-limit.reached";
    public const string CreditLimitRecovered = "credit-limit.recovered";
    public const string TenantSuspended = "tenant.suspended";
    public const string TenantReinstated = "tenant.reinstated";
    public const string PrepaymentLow = "prepayment.low";
    public const string PrepaymentRecovered = "prepayment.recovered";
    public const string InvoiceIssued = "invoice.issued";
    public const string PaymentReceived = "payment.received";

    /// <summary>A hold (pre-authorisation) was refused. Raised once holds exist (issue #26); the type is reserved now.</summary>
    public const string HoldRefused = "hold.refused";

    /// <summary>An endpoint failed every attempt of a delivery and was disabled; sent to operator subscriptions only.</summary>
    public const string WebhookDisabled = "webhook.disabled";

    public static readonly IReadOnlyList<string> All =
    [
        CapWarning, CapReached, CapRecovered, CreditLimitWarning, CreditLimitReached, CreditLimitRecovered,
        TenantSuspended, TenantReinstated, PrepaymentLow, PrepaymentRecovered, InvoiceIssued, PaymentReceived, HoldRefused, WebhookDisabled,
    ];
}

/// <summary>The body of every webhook request (Standard Webhooks' recommended shape).</summary>
/// <param name="Type">One of <see cref="WebhookEventTypes"/>.</param>
/// <param name="Timestamp">When the fact happened (not when this attempt was sent: that is the <c>webhook-timestamp</c> header).</param>
/// <param name="Data">The event's payload: a <c>GatewaySignalV1</c>, <c>DistributorSignalV1</c>, <see cref="InvoiceIssuedV1"/>, <see cref="PaymentReceivedV1"/>, <see cref="HoldRefusedV1"/> or <see cref="WebhookDisabledV1"/>.</param>
public sealed record WebhookPayloadV1<T>(string Type, DateTimeOffset Timestamp, T Data);

/// <summary>An invoice was issued (<c>invoice.issued</c>).</summary>
public sealed record InvoiceIssuedV1(
    string InvoiceNumber, string TenantId, string Period, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd,
    string IssueDate, string DueDate, string Currency, decimal Subtotal, decimal TaxTotal, decimal Total, decimal PrepaidApplied,
    decimal AmountDue, DateTimeOffset IssuedAt);

/// <summary>One invoice a payment paid (part of).</summary>
public sealed record PaymentAllocationV1(string InvoiceNumber, decimal Amount);

/// <summary>A payment was received and allocated (<c>payment.received</c>); the rest became wallet credit.</summary>
public sealed record PaymentReceivedV1(
    string PaymentId, string TenantId, string Reference, decimal Amount, string Currency, string Method,
    IReadOnlyList<PaymentAllocationV1> Allocations, decimal ToWalletCredit, DateTimeOffset ReceivedAt, DateTimeOffset RecordedAt);

/// <summary>
/// A hold was refused (<c>hold.refused</c>): the tenant could not reserve <paramref name="Amount"/>. Reserved for issue #26;
/// the fields are the minimum a gateway needs and may grow (adding fields is not a breaking change).
/// </summary>
public sealed record HoldRefusedV1(string HoldId, string TenantId, decimal Amount, string Currency, string Reason, DateTimeOffset At);

/// <summary>An endpoint was disabled after failing every attempt of a delivery (<c>webhook.disabled</c>, operator subscriptions).</summary>
public sealed record WebhookDisabledV1(
    string WebhookId, string Url, string? TenantId, string? DistributorId, string Reason, string LastDeliveryId, DateTimeOffset At);

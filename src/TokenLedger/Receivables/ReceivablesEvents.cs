using NodaTime;
using TokenLedger.Contracts.Signals;

namespace TokenLedger.Receivables;

// Facts of a tenant's receivables, appended to receivables:{tenantId} (see ReceivableStreams). Invoices themselves stay
// in their own streams (InvoiceIssued); these events say what happened to them afterwards.

/// <summary>Part of a payment applied to one invoice. DaysAfterDue is the received date (tenant's zone) minus the due date; negative when early.</summary>
public sealed record PaymentAllocation(string InvoiceNumber, decimal Amount, LocalDate DueDate, int DaysAfterDue);

/// <summary>
/// A payment was received and allocated. Allocations sum with <paramref name="ToWalletCredit"/> to <paramref name="Amount"/>;
/// the wallet part is also recorded as <c>FundsToppedUp</c> on the account stream in the same transaction.
/// </summary>
public sealed record PaymentReceived(
    string TenantId, string PaymentId, string Reference, decimal Amount, string Currency, string Method, string? NamedInvoice,
    IReadOnlyList<PaymentAllocation> Allocations, decimal ToWalletCredit, Instant ReceivedAt, Instant RecordedAt, string RecordedBy);

/// <summary>Part of an invoice's open amount was written off as uncollectable, approved by the key <paramref name="ApprovedBy"/>.</summary>
public sealed record InvoiceWrittenOff(
    string TenantId, string WriteOffId, string InvoiceNumber, decimal Amount, string Currency, string Reason, string ApprovedBy, Instant WrittenOffAt);

/// <summary>A dunning step (reminder, final-notice, suspension) was taken for a past-due invoice; <paramref name="StepId"/> is tenant:invoice:step.</summary>
public sealed record DunningStepTaken(string TenantId, string StepId, string InvoiceNumber, string Step, int DaysPastDue, decimal OpenAmount, Instant TakenAt);

/// <summary>The tenant was suspended for non-payment; gateways get <c>tenant.{id}.suspended</c>.</summary>
public sealed record TenantSuspended(string TenantId, string Reason, decimal PastDueAmount, Instant SuspendedAt);

/// <summary>The tenant's past-due balance was paid or written off; gateways get <c>tenant.{id}.reinstated</c>.</summary>
public sealed record TenantReinstated(string TenantId, Instant ReinstatedAt);

/// <summary>A receivables signal for gateways; the relay publishes it to tokenledger.signals.v1 like the balance signals.</summary>
public sealed record ReceivablesSignalRaised(GatewaySignalV1 Signal);

public static class ReceivableStreams
{
    public const string Prefix = "receivables:";
    public static string For(string tenantId) => $"{Prefix}{tenantId}";
}

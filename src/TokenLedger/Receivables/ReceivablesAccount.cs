using NodaTime;
using TokenLedger.Invoicing.CreditNotes;

namespace TokenLedger.Receivables;

/// <summary>
/// Inline snapshot of <c>receivables:{tenantId}</c>: what has been paid and written off per invoice, the payments by
/// reference (so a reference applies once), the dunning steps taken and whether the tenant is suspended, and the credit
/// and debit notes issued by number (a credit note's part applied to its invoice counts as settled).
/// </summary>
public sealed record ReceivablesAccount(
    string Id, string TenantId, IReadOnlyDictionary<string, decimal> Settled, IReadOnlyDictionary<string, PaymentReceived> Payments,
    IReadOnlyDictionary<string, InvoiceWrittenOff> WriteOffs, IReadOnlyList<string> Steps, bool Suspended, int Suspensions = 0,
    IReadOnlyDictionary<string, CreditNoteIssued>? Notes = null)
{
    public static ReceivablesAccount Empty(string tenantId) =>
        new(ReceivableStreams.For(tenantId), tenantId, new Dictionary<string, decimal>(), new Dictionary<string, PaymentReceived>(),
            new Dictionary<string, InvoiceWrittenOff>(), [], false);

    public static ReceivablesAccount Create(PaymentReceived e) => Empty(e.TenantId).Apply(e);
    public static ReceivablesAccount Create(InvoiceWrittenOff e) => Empty(e.TenantId).Apply(e);
    public static ReceivablesAccount Create(DunningStepTaken e) => Empty(e.TenantId).Apply(e);
    public static ReceivablesAccount Create(CreditNoteIssued e) => Empty(e.TenantId).Apply(e);

    /// <summary>Every credit and debit note issued, in number order.</summary>
    public IReadOnlyList<CreditNoteIssued> AllNotes() => Notes is null ? [] : [.. Notes.Values.OrderBy(n => n.Number, StringComparer.Ordinal)];

    public ReceivablesAccount Apply(CreditNoteIssued e) => this with
    {
        Settled = e.AppliedToInvoice == 0 ? Settled
            : new Dictionary<string, decimal>(Settled) { [e.InvoiceNumber] = Settled.GetValueOrDefault(e.InvoiceNumber) + e.AppliedToInvoice },
        Notes = new Dictionary<string, CreditNoteIssued>(Notes ?? new Dictionary<string, CreditNoteIssued>()) { [e.Number] = e },
    };

    public ReceivablesAccount Apply(PaymentReceived e)
    {
        var settled = new Dictionary<string, decimal>(Settled);
        foreach (var a in e.Allocations) settled[a.InvoiceNumber] = settled.GetValueOrDefault(a.InvoiceNumber) + a.Amount;
        return this with { Settled = settled, Payments = new Dictionary<string, PaymentReceived>(Payments) { [e.Reference] = e } };
    }

    public ReceivablesAccount Apply(InvoiceWrittenOff e) => this with
    {
        Settled = new Dictionary<string, decimal>(Settled) { [e.InvoiceNumber] = Settled.GetValueOrDefault(e.InvoiceNumber) + e.Amount },
        WriteOffs = new Dictionary<string, InvoiceWrittenOff>(WriteOffs) { [e.WriteOffId] = e },
    };

    public ReceivablesAccount Apply(DunningStepTaken e) => this with { Steps = [.. Steps, e.StepId] };
    public ReceivablesAccount Apply(TenantSuspended _) => this with { Suspended = true, Suspensions = Suspensions + 1 };
    public ReceivablesAccount Apply(TenantReinstated _) => this with { Suspended = false };
    public ReceivablesAccount Apply(ReceivablesSignalRaised _) => this;
}

/// <summary>An invoice (or a debit note) with what is still owed on it: AmountDue less payments, write-offs and credit notes.</summary>
public sealed record OpenInvoice(string Number, LocalDate DueDate, string Currency, decimal AmountDue, decimal Settled)
{
    public decimal Open => Math.Max(0, AmountDue - Settled);
}

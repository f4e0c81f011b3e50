using NodaTime;
using Shouldly;
using TokenLedger.Receivables;
using TokenLedger.Receivables.RecordingPayments;
using TokenLedger.Receivables.WritingOff;
using TokenLedger.Tenants;

namespace TokenLedger.Tests.Receivables;

public sealed class allocating_payments
{
    private static readonly LocalDate July1 = new(2026, 7, 1);
    private static readonly OpenInvoice A = new("TL-2026-000001", July1, "CNY", 100m, 0m);
    private static readonly OpenInvoice B = new("TL-2026-000002", July1.PlusMonths(1), "CNY", 200m, 0m);
    private static readonly OpenInvoice C = new("TL-2026-000003", July1.PlusMonths(2), "CNY", 300m, 0m);

    [Fact]
    public void oldest_due_date_first_then_number_and_the_last_one_partly()
    {
        var sameDay = new OpenInvoice("TL-2026-000000", July1.PlusMonths(1), "CNY", 10m, 0m);

        var (allocations, credit) = PaymentAllocator.Allocate([C, B, sameDay, A], 320m, null, July1.PlusDays(3));

        allocations.Select(a => (a.InvoiceNumber, a.Amount)).ShouldBe([(A.Number, 100m), (sameDay.Number, 10m), (B.Number, 200m), (C.Number, 10m)]);
        allocations[0].DaysAfterDue.ShouldBe(3);
        credit.ShouldBe(0m);
    }

    [Fact]
    public void a_named_invoice_is_paid_first_and_the_rest_goes_oldest_first_then_to_credit()
    {
        var (allocations, credit) = PaymentAllocator.Allocate([A, B with { Settled = 50m }, C], 650m, C.Number, July1);

        allocations.Select(a => (a.InvoiceNumber, a.Amount)).ShouldBe([(C.Number, 300m), (A.Number, 100m), (B.Number, 150m)]);
        credit.ShouldBe(100m);
    }

    [Fact]
    public void settled_invoices_take_nothing_and_an_early_payment_is_negative_days_after_due()
    {
        var (allocations, credit) = PaymentAllocator.Allocate([A with { Settled = 100m }, B], 20m, null, July1);

        allocations.ShouldHaveSingleItem().ShouldBe(new PaymentAllocation(B.Number, 20m, B.DueDate, -31));
        credit.ShouldBe(0m);
    }

    [Fact]
    public void a_repeated_reference_decides_nothing_new()
    {
        var context = Context([A]);
        var first = (ReceivablesDecision.Append)RecordPayment.Decide(Payment(60m), context, "key-1");
        var paid = (PaymentReceived)first.Events[0];

        var second = RecordPayment.Decide(Payment(60m), context with { Account = context.Account.Apply(paid) }, "key-1");

        second.ShouldBeOfType<ReceivablesDecision.AlreadyDone>();
        first.AccountFact.ShouldBeNull();
    }

    [Fact]
    public void an_overpayment_tops_up_the_wallet_with_an_id_from_the_reference()
    {
        var decision = (ReceivablesDecision.Append)RecordPayment.Decide(Payment(130m), Context([A]), "key-1");

        ((PaymentReceived)decision.Events[0]).ToWalletCredit.ShouldBe(30m);
        var topUp = decision.AccountFact.ShouldBeOfType<TokenLedger.Balances.FundsToppedUp>();
        (topUp.TopUpId, topUp.Amount, topUp.Reference).ShouldBe(("payment:REF-1", 30m, "REF-1"));
    }

    [Fact]
    public void a_write_off_above_the_open_amount_is_refused()
    {
        var decision = WriteOff.Decide(new WriteOff(A.Number, 60m, "bad debt", null), "w1", Context([A with { Settled = 50m }]), "key-1");

        decision.ShouldBeOfType<ReceivablesDecision.Refused>().Field.ShouldBe("amount");
    }

    private static RecordPayment Payment(decimal amount) =>
        new(amount, "CNY", DateTimeOffset.Parse("2026-07-02T10:00:00+08:00"), "bank-transfer", "REF-1", null);

    private static ReceivablesContext Context(IReadOnlyList<OpenInvoice> invoices) =>
        new(new Tenant("tenant:acme", "acme", "Acme", "Asia/Shanghai", "CNY", Instant.FromUtc(2026, 1, 1, 0, 0)),
            ReceivablesAccount.Empty("acme"), invoices, Instant.FromUtc(2026, 7, 5, 0, 0));
}

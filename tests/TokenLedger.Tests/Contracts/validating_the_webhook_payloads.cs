using NodaTime;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Webhooks;
using TokenLedger.Receivables;
using TokenLedger.Webhooks;

namespace TokenLedger.Tests.Contracts;

/// <summary>Webhook bodies, written as the ledger writes them (<see cref="WebhookEventRaised.Body"/>), validate against their schema.</summary>
public class validating_the_webhook_payloads
{
    private static readonly DateTimeOffset At = new(2026, 6, 12, 14, 3, 27, 412, TimeSpan.FromHours(8));

    private static IReadOnlyList<string> Errors(WebhookEventRaised raised) => ContractSchemas.Errors("webhook-payload.v1.schema.json", raised.Body());

    [Theory]
    [MemberData(nameof(validating_the_contract_records_against_their_schemas.GatewaySignalNames), MemberType = typeof(validating_the_contract_records_against_their_schemas))]
    public void every_gateway_signal_as_a_webhook_validates(string signal)
    {
        var raised = WebhookEventRaised.From(new GatewaySignalV1($"acme:month:tokens:100:{signal}", "acme", signal, "month:tokens", "refuse", 10, 10, 100, "tokens", "lite", At));

        WebhookEventTypes.All.ShouldContain(raised.Type);
        Errors(raised).ShouldBeEmpty();
    }

    [Fact]
    public void distributor_signals_validate_as_prepayment_events()
    {
        foreach (var signal in new[] { DistributorSignals.PrepaymentLow, DistributorSignals.PrepaymentRecovered })
            Errors(WebhookEventRaised.From(new DistributorSignalV1("d::x:1", "d", signal, "", 1.5m, 5, "CNY", At))).ShouldBeEmpty();
    }

    [Fact]
    public void a_payment_received_validates()
    {
        var payment = new PaymentReceived("acme", "acme:payment:r1", "r1", 1100m, "CNY", "bank-transfer", null,
            [new PaymentAllocation("INV-1", 1072m, new LocalDate(2026, 7, 31), 0)], 28m, Instant.FromDateTimeOffset(At), Instant.FromDateTimeOffset(At), "key");

        Errors(LifecycleWebhooks.Received(payment)).ShouldBeEmpty();
    }

    [Fact]
    public void an_invoice_issued_a_hold_refused_and_a_webhook_disabled_validate()
    {
        Errors(WebhookEventRaised.Of(WebhookEventTypes.InvoiceIssued, "INV-1", "acme", null, At,
            new InvoiceIssuedV1("INV-1", "acme", "2026-06", At, At, "2026-07-01", "2026-07-31", "CNY", 1, 0, 1, 0, 1, At))).ShouldBeEmpty();
        Errors(WebhookEventRaised.HoldRefused(new HoldRefusedV1("h1", "acme", 12.5m, "CNY", "credit limit reached", At))).ShouldBeEmpty();
        Errors(WebhookEventRaised.Of(WebhookEventTypes.WebhookDisabled, "wh_1:disabled:3", null, null, At,
            new WebhookDisabledV1("wh_1", "https://x.example", null, null, "failed", "msg_1", At))).ShouldBeEmpty();
    }

    [Fact]
    public void an_invoice_payload_under_a_signal_type_does_not_validate()
    {
        Errors(WebhookEventRaised.Of(WebhookEventTypes.CapReached, "INV-1", "acme", null, At,
            new InvoiceIssuedV1("INV-1", "acme", "2026-06", At, At, "2026-07-01", "2026-07-31", "CNY", 1, 0, 1, 0, 1, At))).ShouldNotBeEmpty();
    }
}

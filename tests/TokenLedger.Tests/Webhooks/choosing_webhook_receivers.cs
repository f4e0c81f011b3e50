using NodaTime;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Contracts.Webhooks;
using TokenLedger.Webhooks;

namespace TokenLedger.Tests.Webhooks;

public class choosing_webhook_receivers
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 0, 0);
    private static readonly DateTimeOffset At = Now.ToDateTimeOffset();

    private static WebhookSubscription Of(string? tenant = null, string? distributor = null, params string[] types) =>
        WebhookSubscription.Create(new WebhookSubscribed("wh_1", tenant, distributor, "https://hooks.example/in", types, null, Now, "key"));

    private static WebhookEventRaised CapReached(string tenant) =>
        WebhookEventRaised.From(new GatewaySignalV1($"{tenant}:month:tokens:100:7", tenant, GatewaySignals.CapReached, "month:tokens", "refuse", 100, 100, 100, "tokens", "lite", At));

    private static WebhookEventRaised PrepaymentLow(string distributor) =>
        WebhookEventRaised.From(new DistributorSignalV1($"{distributor}::prepayment-low:9", distributor, DistributorSignals.PrepaymentLow, "", 10, 100, "CNY", At));

    [Fact]
    public void a_tenant_subscription_receives_its_own_tenant_s_events_only()
    {
        Of("acme").Wants(CapReached("acme")).ShouldBeTrue();
        Of("acme").Wants(CapReached("other")).ShouldBeFalse();
        Of("acme").Wants(PrepaymentLow("acme")).ShouldBeFalse();
    }

    [Fact]
    public void a_distributor_subscription_receives_its_own_distributor_s_events_only()
    {
        Of(distributor: "cloudmart").Wants(PrepaymentLow("cloudmart")).ShouldBeTrue();
        Of(distributor: "cloudmart").Wants(PrepaymentLow("other")).ShouldBeFalse();
        Of(distributor: "cloudmart").Wants(CapReached("cloudmart")).ShouldBeFalse();
    }

    [Fact]
    public void an_operator_subscription_receives_every_event_and_alone_hears_of_disabled_endpoints()
    {
        var disabled = WebhookEventRaised.Of(WebhookEventTypes.WebhookDisabled, "wh_2:disabled:3", "acme", null, At,
            new WebhookDisabledV1("wh_2", "https://x.example", "acme", null, "failed", "msg_1", At));

        Of().Wants(CapReached("acme")).ShouldBeTrue();
        Of().Wants(PrepaymentLow("cloudmart")).ShouldBeTrue();
        Of().Wants(disabled).ShouldBeTrue();
        Of("acme").Wants(disabled).ShouldBeFalse();
    }

    [Fact]
    public void the_type_filter_takes_exact_types_and_prefixes()
    {
        Of("acme", null, "cap.reached").Wants(CapReached("acme")).ShouldBeTrue();
        Of("acme", null, "cap.*").Wants(CapReached("acme")).ShouldBeTrue();
        Of("acme", null, "cap.warning", "invoice.issued").Wants(CapReached("acme")).ShouldBeFalse();
        Of("acme", null, "credit-limit.*").Wants(CapReached("acme")).ShouldBeFalse();
    }

    [Fact]
    public void a_deleted_subscription_receives_nothing()
    {
        var deleted = Of().Apply(new WebhookDeleted("wh_1", null, null, Now, "key"));

        deleted.Wants(CapReached("acme")).ShouldBeFalse();
    }

    [Fact]
    public void signals_map_onto_the_catalogue_and_keep_their_payload()
    {
        var raised = CapReached("acme");

        raised.Type.ShouldBe(WebhookEventTypes.CapReached);
        raised.Data.GetProperty("signalId").GetString().ShouldBe("acme:month:tokens:100:7");
        raised.Body().ShouldStartWith("{\"type\":\"cap.reached\",\"timestamp\":\"2026-12-07T00:00:00+00:00\",\"data\":{\"signalId\":");
        PrepaymentLow("d").Type.ShouldBe(WebhookEventTypes.PrepaymentLow);
        WebhookEventRaised.From(new GatewaySignalV1("s", "acme", GatewaySignals.Suspended, "receivables", "refuse", 1, 0, 0, "CNY", null, At)).Type
            .ShouldBe(WebhookEventTypes.TenantSuspended);
    }

    [Fact]
    public void the_webhook_id_is_stable_per_event_and_differs_between_events()
    {
        CapReached("acme").MessageId.ShouldBe(CapReached("acme").MessageId);
        CapReached("acme").MessageId.ShouldStartWith("msg_");
        CapReached("acme").MessageId.ShouldNotBe(CapReached("other").MessageId);
    }
}

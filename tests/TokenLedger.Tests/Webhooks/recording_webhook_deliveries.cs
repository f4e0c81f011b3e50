using NodaTime;
using Shouldly;
using TokenLedger.Contracts.Signals;
using TokenLedger.Webhooks;
using TokenLedger.Webhooks.Delivering;

namespace TokenLedger.Tests.Webhooks;

public class recording_webhook_deliveries
{
    private static readonly Instant Now = Instant.FromUtc(2026, 12, 7, 0, 0);

    private static WebhookDelivery Pending(bool disabled = false)
    {
        var webhook = WebhookSubscription.Create(new WebhookSubscribed("wh_1", "acme", null, "https://hooks.example/in", [], null, Now, "key"));
        if (disabled) webhook = webhook.Apply(new WebhookDisabled("wh_1", "acme", null, "failed", "msg_0", Now));
        var raised = WebhookEventRaised.From(new GatewaySignalV1("acme:credit-limit:100:3", "acme", GatewaySignals.CreditLimitReached, "credit-limit", "refuse", 120, 100, 120, "CNY", null, Now.ToDateTimeOffset()));
        return WebhookDelivery.For(webhook, raised, Now);
    }

    [Fact]
    public void a_delivery_is_keyed_by_endpoint_and_webhook_id_and_fixes_its_body()
    {
        var delivery = Pending();

        delivery.Id.ShouldBe($"wh_1/{delivery.DeliveryId}");
        delivery.Status.ShouldBe(DeliveryStatus.Pending);
        delivery.Body.ShouldContain("\"type\":\"credit-limit.reached\"");
    }

    [Fact]
    public void an_event_for_a_disabled_endpoint_is_recorded_as_skipped()
    {
        Pending(disabled: true).Status.ShouldBe(DeliveryStatus.Skipped);
    }

    [Fact]
    public void a_2xx_answer_delivers_and_anything_else_counts_an_attempt()
    {
        var failed = Pending().Attempted(new WebhookAttempt(1, Now, 503, "HTTP 503", 12));
        var delivered = failed.Attempted(new WebhookAttempt(2, Now + Duration.FromSeconds(5), 204, null, 3));

        failed.Status.ShouldBe(DeliveryStatus.Pending);
        failed.AttemptsThisRound.ShouldBe(1);
        delivered.Status.ShouldBe(DeliveryStatus.Delivered);
        delivered.DeliveredAt.ShouldBe(Now + Duration.FromSeconds(5));
        delivered.Attempts.Select(a => a.StatusCode).ShouldBe([503, 204]);
    }

    [Fact]
    public void a_replay_starts_a_new_round_with_a_fresh_schedule_and_keeps_the_log()
    {
        var failed = Pending().Attempted(new WebhookAttempt(1, Now, null, "connection refused", 1)) with { Status = DeliveryStatus.Failed };

        var replayed = failed.Replayed(Now + Duration.FromHours(30));

        replayed.Round.ShouldBe(1);
        replayed.AttemptsThisRound.ShouldBe(0);
        replayed.Status.ShouldBe(DeliveryStatus.Pending);
        replayed.Attempts.Count.ShouldBe(1);
    }

    [Fact]
    public void the_default_retry_schedule_keeps_trying_for_more_than_24_hours()
    {
        var schedule = new WebhookOptions().Schedule;

        schedule.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromHours(24));
        schedule.ShouldBe(schedule.Order().ToList());
    }
}

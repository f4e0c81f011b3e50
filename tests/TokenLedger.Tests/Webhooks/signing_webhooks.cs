using NodaTime;
using Shouldly;
using TokenLedger.Webhooks;

namespace TokenLedger.Tests.Webhooks;

public class signing_webhooks
{
    // The Standard Webhooks reference libraries' own test vector (libraries/javascript/src/webhook.test.ts, "sign function works").
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Body = "{\"test\": 2432232314}";

    [Fact]
    public void the_signature_matches_the_specification_test_vector()
    {
        StandardWebhookSignature.Sign(Secret, MessageId, Timestamp, Body).ShouldBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    [Fact]
    public void a_secret_without_its_prefix_signs_the_same()
    {
        StandardWebhookSignature.Sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", MessageId, Timestamp, Body)
            .ShouldBe(StandardWebhookSignature.Sign(Secret, MessageId, Timestamp, Body));
    }

    [Fact]
    public void during_a_rotation_the_header_carries_one_signature_per_secret_separated_by_a_space()
    {
        var next = StandardWebhookSignature.NewSecret();
        var header = StandardWebhookSignature.Header([next, Secret], MessageId, Timestamp, Body);

        header.Split(' ').ShouldBe([StandardWebhookSignature.Sign(next, MessageId, Timestamp, Body), "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="]);
    }

    [Fact]
    public void a_new_secret_is_whsec_and_the_base64_of_24_random_bytes()
    {
        var secret = StandardWebhookSignature.NewSecret();

        secret.ShouldStartWith("whsec_");
        Convert.FromBase64String(secret["whsec_".Length..]).Length.ShouldBe(24);
        StandardWebhookSignature.IsSecret(secret).ShouldBeTrue();
        secret.ShouldNotBe(StandardWebhookSignature.NewSecret());
        StandardWebhookSignature.IsSecret("whsec_short").ShouldBeFalse();
    }

    [Fact]
    public void the_previous_secret_signs_until_the_overlap_ends()
    {
        var rotatedAt = Instant.FromUtc(2026, 12, 7, 0, 0);
        var secrets = new WebhookSecret("wh_1", "whsec_old").Rotate("whsec_new", rotatedAt + Duration.FromHours(24));

        secrets.SigningAt(rotatedAt).ShouldBe(["whsec_new", "whsec_old"]);
        secrets.SigningAt(rotatedAt + Duration.FromHours(24) - Duration.FromSeconds(1)).ShouldBe(["whsec_new", "whsec_old"]);
        secrets.SigningAt(rotatedAt + Duration.FromHours(24)).ShouldBe(["whsec_new"]);
    }
}

using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Webhooks;

/// <summary>
/// A service of its own for the webhook tests: receivers on 127.0.0.1 are allowed, and a failed delivery is retried
/// after 1, 2, 4, 8, 15 s and then every 30 s, 11 retries over 3.5 minutes (the default schedule spans 27 h).
/// </summary>
public sealed class WebhookFixture : LedgerFixture
{
    public static readonly string[] RetrySchedule = ["00:00:01", "00:00:02", "00:00:04", "00:00:08", "00:00:15", "00:00:30", "00:00:30", "00:00:30", "00:00:30", "00:00:30", "00:00:30"];

    protected override IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            var settings = new Dictionary<string, string> { ["TokenLedger:Webhooks:AllowPrivateAddresses"] = "true" };
            for (var i = 0; i < RetrySchedule.Length; i++) settings[$"TokenLedger:Webhooks:RetrySchedule:{i}"] = RetrySchedule[i];
            return settings;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookFixture>
{
    public const string Name = "webhooks";
}

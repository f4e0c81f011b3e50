namespace TokenLedger.Webhooks;

/// <summary>Outgoing webhooks (configuration section <c>TokenLedger:Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "TokenLedger:Webhooks";

    /// <summary>
    /// The wait before each retry of a failed delivery (the first attempt is immediate). The default, Standard Webhooks'
    /// recommended schedule, is 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over 27 h 35 min. A delivery that
    /// fails them all is failed and its endpoint disabled. Set as a list of <c>hh:mm:ss</c> values.
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    public IReadOnlyList<TimeSpan> Schedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;

    /// <summary>How long one HTTP attempt may take before it counts as failed (default 10 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the previous secret keeps signing after a rotation (default 24 h): receivers verify either.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Whether endpoints may resolve to loopback, private (RFC 1918, unique-local), link-local or unspecified addresses.
    /// Off by default, against server-side request forgery; turn it on for receivers on the same host or network.
    /// The check runs on the address actually connected to, so a DNS name cannot smuggle a private address in.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Deliveries in flight at once over all endpoints (the delivery queue's parallelism; default 32).</summary>
    public int Concurrency { get; set; } = 32;

    /// <summary>Deliveries in flight at once to one endpoint (default 4): a slow endpoint holds at most these slots.</summary>
    public int MaxInFlightPerEndpoint { get; set; } = 4;
}

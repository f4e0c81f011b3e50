using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace TokenLedger.Access.Throttling;

/// <summary>
/// The global limiter, placed after authentication: a token bucket per key id for authenticated requests, one per client
/// address for requests that presented a key that failed, none for requests without a key (health, metrics, docs).
/// The authentication handler asks <see cref="FailedAuthExhausted"/> before looking up an unknown key id, so a
/// throttled address costs no database lookup: its request then meets the empty bucket here and answers 429.
/// </summary>
public sealed class LedgerRateLimiter : IDisposable
{
    private readonly RateLimitOptions _options;

    public LedgerRateLimiter(IOptions<RateLimitOptions> options)
    {
        _options = options.Value;
        Global = PartitionedRateLimiter.Create<HttpContext, string>(Partition);
    }

    public PartitionedRateLimiter<HttpContext> Global { get; }

    public bool FailedAuthExhausted(HttpContext context) =>
        _options.Enabled && Global.GetStatistics(context) is { CurrentAvailablePermits: <= 0 };

    private RateLimitPartition<string> Partition(HttpContext context)
    {
        if (!_options.Enabled) return RateLimitPartition.GetNoLimiter("off");
        if (context.User.Identity?.IsAuthenticated == true)
            return Bucket($"key:{context.User.KeyId()}", _options.PerKeyPerSecond, _options.PerKeyBurst);
        if (context.Request.Headers.Authorization.Count > 0)
            return Bucket($"failed:{context.Connection.RemoteIpAddress}", _options.FailedAuthPerSecond, _options.FailedAuthBurst);
        return RateLimitPartition.GetNoLimiter("no-key");
    }

    private static RateLimitPartition<string> Bucket(string partition, int perSecond, int burst) =>
        RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>429 with Retry-After (whole seconds, at least 1) and a ProblemDetails body.</summary>
    public static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
        var response = rejected.HttpContext.Response;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem($"Too many requests; retry after {seconds} s", statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests").ExecuteAsync(rejected.HttpContext);
    }

    public void Dispose() => Global.Dispose();
}

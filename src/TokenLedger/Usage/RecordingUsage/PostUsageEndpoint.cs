using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TokenLedger.Access;
using TokenLedger.Contracts.Usage;
using TokenLedger.Infrastructure;

namespace TokenLedger.Usage.RecordingUsage;

public sealed record UsageItemResult(int Index, string? EventId, string Status, IReadOnlyList<UsageFieldError> Errors);

public sealed record UsageIngestResult(int Accepted, int Duplicates, int Rejected, IReadOnlyList<UsageItemResult> Items);

public static class PostUsageEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/usage", Handle).RequireAuthorization(Policies.Ingest)
            .WithMetadata(ChecksItsOwnText.Instance)
            .Accepts<UsageEventV1[]>("application/json")
            .Produces<UsageIngestResult>()
            .ProducesValidationProblem()
            .WithTags("Usage")
            .WithSummary($"Record up to {UsageContract.MaxItemsPerMessage} usage events; each item is accepted, a duplicate, or rejected with reasons");

    public static Task<IResult> Handle(HttpRequest request, UsageCommitter committer, CancellationToken ct) =>
        RecordAsync(request, committer, body => committer.Read(body), ct);

    public static async Task<IResult> RecordAsync(HttpRequest request, UsageCommitter committer, Func<byte[], IReadOnlyList<UsageItem>> read, CancellationToken ct)
    {
        var body = await ReadBodyAsync(request, ct);
        if (body is null) return Problems.BadRequest("body", $"the body exceeds {UsageMessage.MaxBodyBytes} bytes");
        if (!StartsWithArray(body)) return Problems.BadRequest("body", "the body must be a JSON array of usage events");

        var items = read(body);
        if (items is [{ Index: null } whole]) return Problems.BadRequest("body", whole.Reason);

        var (outcomes, failure) = await CommitAsync(request.HttpContext, committer, items, IngestChannels.Http, ct);
        if (outcomes is null) return failure!;
        return Results.Ok(new UsageIngestResult(
            outcomes.Count(UsageItemStatus.Accepted), outcomes.Count(UsageItemStatus.Duplicate), outcomes.Count(UsageItemStatus.Rejected),
            outcomes.Items.Select(o => new UsageItemResult(o.Item.Index ?? 0, o.Item.EventId, o.Status.ToString().ToLowerInvariant(), o.Item.Errors)).ToList()));
    }

    /// <summary>
    /// The one HTTP ingest path, shared by every route that accepts usage (native, and the OpenMeter and Lago compatible
    /// ones): the caller's gateway scope, then the group commit with its dedupe by eventId. Either the outcome of each
    /// item, or the 503 to answer when the ledger cannot store usage at all.
    /// </summary>
    public static async Task<(UsageOutcomes? Outcomes, IResult? Failure)> CommitAsync(
        HttpContext http, UsageCommitter committer, IReadOnlyList<UsageItem> read, string channel, CancellationToken ct)
    {
        var items = GatewayScope.Apply(GatewayScope.Of(http.User), read);
        try
        {
            return (await committer.RecordAsync(items, channel, ct), null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not OperationCanceledException)
        {
            // Only a failure that is not any one item's (the database is unreachable) gets here: items are refused one by one.
            http.Response.Headers.RetryAfter = "5";
            return (null, Results.Problem("the ledger cannot store usage right now; send the same items again (eventIds make it safe)",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Usage could not be stored"));
        }
    }

    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > UsageMessage.MaxBodyBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static bool StartsWithArray(byte[] body) =>
        body.SkipWhile(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n').FirstOrDefault() == (byte)'[';
}

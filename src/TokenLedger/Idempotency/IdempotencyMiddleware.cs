using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Idempotency;

/// <summary>
/// Applies <see cref="IdempotentAttribute"/> to the endpoints whose body type carries it. Runs after authorization, so
/// a refused caller never claims a key. Keys are scoped by the tenant or distributor in the route.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IdempotencyRecords records, IClock clock)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 255;

    public async Task InvokeAsync(HttpContext context)
    {
        var rule = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType?.GetCustomAttribute<IdempotentAttribute>();
        if (rule is null || !HttpMethods.IsPost(context.Request.Method))
        {
            await next(context);
            return;
        }

        var body = await BufferBodyAsync(context.Request);
        var json = TryParse(body);
        if (json is null && body.Length > 0)
        {
            await next(context); // the endpoint answers 400 for the malformed body; nothing is recorded
            return;
        }
        var (key, problem) = ResolveKey(context.Request, rule, json as JsonObject);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        if (key is null)
        {
            await next(context);
            return;
        }

        context.Items[RequestKeys.ItemName] = key;
        var scope = Scope(context.Request);
        var operation = $"{context.Request.Method} {context.Request.Path}";
        var fingerprint = RequestFingerprint.Of(operation, body, json);
        if (rule.ClaimedByCommand)
        {
            // The command claims, completes or gives up the key in its own transaction (KeysInTransaction).
            context.Items[KeyedRequest.ItemName] = new KeyedRequest(scope, key, operation, fingerprint);
            await next(context);
            return;
        }
        var claim = await records.ClaimAsync(scope, key, operation, fingerprint, clock.GetCurrentInstant(), context.RequestAborted);
        if (Answer(claim, key, operation, fingerprint) is { } answer)
        {
            await answer.ExecuteAsync(context);
            return;
        }
        await RunAndKeepAsync(context, scope, key);
    }

    /// <summary>What a claim that is not ours answers: 409 while the first request runs, 422 for another use of the key, else the first answer replayed; null when the claim is ours.</summary>
    public static IResult? Answer(KeyClaim claim, string key, string operation, string fingerprint) => claim switch
    {
        KeyClaim.InProgress => Problems.Conflict($"a request with {Header} '{key}' is still being processed; retry in a moment"),
        KeyClaim.Completed done when done.Operation != operation =>
            Problems.Unprocessable($"{Header} '{key}' was already used for {done.Operation}; use a new key for another operation"),
        KeyClaim.Completed done when done.Fingerprint != fingerprint =>
            Problems.Unprocessable($"{Header} '{key}' was already used with a different body; use a new key for a different request"),
        KeyClaim.Completed done => new StoredAnswerResult(done.Answer, Replayed: true),
        _ => null,
    };

    private async Task RunAndKeepAsync(HttpContext context, string scope, string key)
    {
        var original = context.Response.Body;
        using var captured = new MemoryStream();
        context.Response.Body = captured;
        try
        {
            await next(context);
        }
        catch
        {
            context.Response.Body = original;
            await records.ReleaseAsync(scope, key, CancellationToken.None);
            throw;
        }
        context.Response.Body = original;
        var status = context.Response.StatusCode;
        if (status is >= 200 and < 300)
            await records.CompleteAsync(scope, key, new StoredAnswer(status, context.Response.ContentType,
                context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, captured.ToArray()), clock.GetCurrentInstant(), CancellationToken.None);
        else
            await records.ReleaseAsync(scope, key, CancellationToken.None);
        captured.Position = 0;
        await captured.CopyToAsync(original, context.RequestAborted);
    }

    private static (string? Key, IResult? Problem) ResolveKey(HttpRequest request, IdempotentAttribute rule, JsonObject? body)
    {
        var header = request.Headers[Header].ToString();
        var requestId = Text(body, "requestId");
        if (header.Length > 0 && !IsValidKey(header))
            return (null, Problems.BadRequest(Header, $"{Header} must be 1–{MaxKeyLength} visible ASCII characters"));
        if (header.Length > 0 && requestId is not null && requestId != header)
            return (null, Problems.BadRequest("requestId", $"requestId '{requestId}' differs from the {Header} header; send one key"));
        if (header.Length > 0) return (header, null);
        if (requestId is not null) return (requestId, null);
        if (rule.NaturalKey is { } field && Text(body, field) is { Length: > 0 } natural) return ($"{field}:{natural}", null);
        if (!rule.KeyRequired) return (null, null);
        var natural_ = rule.NaturalKey is null ? "" : $", or a {rule.NaturalKey} in the body";
        return (null, Problems.BadRequest(Header,
            $"this command moves money: send an {Header} header (a unique key per intended operation, such as a UUID; requestId in the body is an alias){natural_}, so that a retry cannot record it twice"));
    }

    private static bool IsValidKey(string key) => key.Length <= MaxKeyLength && key.All(c => c is > ' ' and <= '~');

    private static string? Text(JsonObject? body, string property) =>
        body?[property] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static string Scope(HttpRequest request) =>
        request.RouteValues.TryGetValue("tenantId", out var t) ? $"tenant:{t}"
        : request.RouteValues.TryGetValue("distributorId", out var d) ? $"distributor:{d}"
        // A tenant's or distributor's own key on a route without one (POST /api/webhooks): its own scope, so another
        // tenant choosing the same key can never be answered with this one's replay.
        : request.HttpContext.User.IsInRole(Access.Roles.Tenant) && request.HttpContext.User.FindFirst(Access.LedgerClaims.TenantId)?.Value is { } own ? $"tenant:{own}"
        : request.HttpContext.User.IsInRole(Access.Roles.Distributor) && request.HttpContext.User.FindFirst(Access.LedgerClaims.DistributorId)?.Value is { } mine ? $"distributor:{mine}"
        : "ledger";

    private static async Task<byte[]> BufferBodyAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        return buffer.ToArray();
    }

    private static JsonNode? TryParse(byte[] body)
    {
        if (body.Length == 0) return null;
        try { return JsonNode.Parse(body); }
        catch (JsonException) { return null; }
    }
}

/// <summary>The key an idempotent request was accepted under, for the command to dedupe by in its own transaction.</summary>
public static class RequestKeys
{
    public const string ItemName = "TokenLedger.IdempotencyKey";

    public static string? IdempotencyKey(this HttpContext context) => context.Items[ItemName] as string;

    /// <summary>The key of a command marked <see cref="IdempotentAttribute.KeyRequired"/>: the middleware refused the request without one.</summary>
    public static string RequiredIdempotencyKey(this HttpContext context) =>
        context.IdempotencyKey() ?? throw new InvalidOperationException("an idempotent command ran without its key: is IdempotencyMiddleware in the pipeline?");
}

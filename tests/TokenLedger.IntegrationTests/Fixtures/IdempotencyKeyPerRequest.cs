using System.Text.Json.Nodes;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>
/// What Stripe's client libraries do: a POST sent without an Idempotency-Key (and without a requestId in its JSON body)
/// gets a fresh one, so a test that is not about keys reads like a client that retries safely.
/// </summary>
public sealed class IdempotencyKeyPerRequest : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Method == HttpMethod.Post && !request.Headers.Contains("Idempotency-Key") && !await HasRequestIdAsync(request.Content, ct))
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await base.SendAsync(request, ct);
    }

    private static async Task<bool> HasRequestIdAsync(HttpContent? content, CancellationToken ct)
    {
        if (content?.Headers.ContentType?.MediaType != "application/json") return false;
        try
        {
            return JsonNode.Parse(await content.ReadAsStringAsync(ct)) is JsonObject o && o.ContainsKey("requestId");
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

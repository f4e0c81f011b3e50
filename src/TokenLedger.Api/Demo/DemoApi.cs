using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenLedger.Api.Demo;

/// <summary>
/// The demo market's client of the ledger's own public API, with the operator key: the market is seeded exactly as a
/// customer's scripts would seed it, through validation, idempotency keys and the outbox. Every key the market sends is
/// deterministic, so a second start on the same database replays instead of recording twice.
/// </summary>
public sealed class DemoApi(HttpClient http, ILogger logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<JsonNode?> PutAsync(string path, object body, CancellationToken ct) => SendAsync(HttpMethod.Put, path, body, null, ct);

    public Task<JsonNode?> PostAsync(string path, object body, string? idempotencyKey, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, body, idempotencyKey, ct);

    public async Task<JsonNode?> GetAsync(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadAsync(response, "GET", path, ct);
    }

    public async Task<JsonNode?> PostFormAsync(string path, MultipartFormDataContent form, CancellationToken ct)
    {
        using var response = await http.PostAsync(path, form, ct);
        return await ReadAsync(response, "POST", path, ct);
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, object body, string? idempotencyKey, CancellationToken ct)
    {
        using var request = Request(method, path, body, idempotencyKey);
        using var response = await http.SendAsync(request, ct);
        return await ReadAsync(response, method.Method, path, ct);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    private async Task<JsonNode?> ReadAsync(HttpResponseMessage response, string method, string path, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            logger.LogWarning("Demo market: {Method} {Path} answered {Status}: {Body}", method, path, (int)response.StatusCode,
                text.Length > 500 ? text[..500] : text);
            return null;
        }
        var json = response.Content.Headers.ContentType?.MediaType?.Contains("json") == true && text.Length > 0;
        return json ? JsonNode.Parse(text) : null;
    }
}

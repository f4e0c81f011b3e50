using System.Text;
using System.Text.Json;
using TokenLedger.Infrastructure;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// Refuses, with a 400 that names the field, any text PostgreSQL could not store before it reaches an endpoint: the
/// NUL character or an unpaired surrogate anywhere in a JSON or text body, and any control character in the path or the
/// query. Free text in a body (names, reasons, statement lines) may hold tabs and line breaks; other control characters
/// are refused there too. Usage ingest reads its own body and refuses such items one by one (<see cref="ChecksItsOwnText"/>).
/// </summary>
public static class TextGuard
{
    public static void UseTextGuard(this WebApplication app) => app.Use(async (context, next) =>
    {
        var found = Problem(context) ?? await BodyProblemAsync(context);
        if (found is not null)
        {
            await Results.ValidationProblem(new Dictionary<string, string[]> { [found.Field] = [found.Message] }, title: "The request is invalid")
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private sealed record Found(string Field, string Message);

    private static Found? Problem(HttpContext context)
    {
        if (StorableText.IdentifierProblem(context.Request.Path.Value ?? "") is { } path) return new("path", $"the path {path}");
        foreach (var (key, values) in context.Request.Query)
        {
            if (StorableText.IdentifierProblem(key) is { } name) return new("query", $"a query parameter name {name}");
            foreach (var value in values)
                if (value is not null && StorableText.IdentifierProblem(value) is { } problem) return new(key, $"{key} {problem}");
        }
        return null;
    }

    private static async Task<Found?> BodyProblemAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0) return null;
        if (context.GetEndpoint()?.Metadata.GetMetadata<ChecksItsOwnText>() is not null) return null;
        var type = request.ContentType ?? "";
        var json = type.Contains("json", StringComparison.OrdinalIgnoreCase);
        if (!json && !type.StartsWith("text/", StringComparison.OrdinalIgnoreCase)) return null;

        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, context.RequestAborted);
        request.Body.Position = 0;
        return json ? JsonProblem(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) : TextProblem(buffer.ToArray());
    }

    private static Found? TextProblem(byte[] body)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return new("body", "the body is not valid UTF-8 text");
        }
        return StorableText.FreeTextProblem(text) is { } problem ? new("body", $"the body {problem}") : null;
    }

    /// <summary>Malformed JSON is left to the endpoint's binder, which says where it is malformed.</summary>
    private static Found? JsonProblem(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = false, MaxDepth = 64 });
        var field = "body";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName)) continue;
                string text;
                try
                {
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return new(field, $"{field} is not valid Unicode text (an unpaired surrogate)");
                }
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (StorableText.IdentifierProblem(text) is { } name) return new(field, $"a property name {name}");
                    field = text;
                }
                else if (StorableText.FreeTextProblem(text) is { } problem) return new(field, $"{field} {problem}");
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return null;
    }
}

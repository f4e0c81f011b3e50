using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace TokenLedger.Infrastructure;

/// <summary>
/// PostgreSQL cannot store U+0000 or a lone UTF-16 surrogate in text or jsonb. A command body (a record of this
/// ledger bound from JSON) or a route value holding one is refused here with a 400 naming where, before any command
/// sees it, instead of failing later in the database. Usage bodies are read item by item by their own reader, which
/// refuses such items one at a time.
/// </summary>
public sealed class StorableTextGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var problem = RouteProblem(context.Request) ?? await BodyProblemAsync(context);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static string? UnstorableName(JsonProperty property)
    {
        try
        {
            return Unstorable(property.Name);
        }
        catch (InvalidOperationException)
        {
            return "a lone surrogate";
        }
    }

    public static string? Unstorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return "U+0000";
            if (char.IsHighSurrogate(c) && (i + 1 == text.Length || !char.IsLowSurrogate(text[++i]))) return "a lone surrogate";
            if (char.IsLowSurrogate(c)) return "a lone surrogate";
        }
        return null;
    }

    private static IResult? RouteProblem(HttpRequest request)
    {
        foreach (var (name, value) in request.RouteValues)
            if (value is string text && Unstorable(text) is { } what)
                return Problems.BadRequest(name, $"{name} contains {what}, which cannot be stored");
        return null;
    }

    private static async Task<IResult?> BodyProblemAsync(HttpContext context)
    {
        var type = context.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        if (type is null || type.Assembly != typeof(StorableTextGuard).Assembly) return null;
        context.Request.EnableBuffering();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
        }
        catch (JsonException)
        {
            return null; // malformed JSON: the endpoint's binding answers 400 with where
        }
        finally
        {
            context.Request.Body.Position = 0;
        }
        using (document) return Find(document.RootElement, "$");
    }

    private static string? UnstorableString(JsonElement element)
    {
        try
        {
            return Unstorable(element.GetString()!);
        }
        catch (InvalidOperationException)
        {
            return "a lone surrogate"; // the reader refuses to unescape an unpaired \uD800-\uDFFF
        }
    }

    private static IResult? Find(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String when UnstorableString(element) is { } what:
                return Problems.BadRequest(path, $"{path} contains {what}, which cannot be stored");
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (UnstorableName(property) is { } bad) return Problems.BadRequest(path, $"a property name in {path} contains {bad}");
                    if (Find(property.Value, $"{path}.{property.Name}") is { } inner) return inner;
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                    if (Find(item, $"{path}[{index++}]") is { } inner) return inner;
                break;
        }
        return null;
    }
}

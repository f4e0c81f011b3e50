using System.Text.Json;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Bridge;

public sealed record NewApiUser(int Id, string Name, string Group, string TokenName);

/// <summary>
/// new-api log rows of every shape its consume path writes, and the ledger totals they must come to. The totals are
/// worked out here from how each row was made (which usage semantic new-api logged it with), not by the bridge's rules:
/// OpenAI semantic → prompt_tokens includes cache_tokens and the cache write; Anthropic semantic (or the 5m/1h split)
/// → prompt_tokens excludes them. Every 20th row is not a consumption (top-up, manage, system, error, refund) and
/// carries tokens, so a bridge that counted it would be caught.
/// </summary>
public static class NewApiTraffic
{
    private static readonly string[] Models = ["deepseek-v4-pro", "claude-sonnet-4-5", "qwen3-max"];
    private static readonly int[] OtherTypes = [1, 3, 4, 5, 6];

    /// <summary>Rows made before the first row carrying usage_semantic: "claude": true then meant Anthropic semantic.</summary>
    public const int LegacyClaudeRows = 150;

    public sealed record Row(NewApiLog Log, NewApiUser User, long Input, long Cached, long Write, long Output);

    public static List<Row> Make(int consumeRows, long firstUnixSeconds, IReadOnlyList<NewApiUser> users, int seed = 7)
    {
        var random = new Random(seed);
        var rows = new List<Row>();
        var consumed = 0;
        for (var i = 0; consumed < consumeRows; i++)
        {
            var user = users[random.Next(users.Count)];
            var model = Models[random.Next(Models.Length)];
            var at = firstUnixSeconds + i / 4;
            long prompt = random.Next(1, 60_000), completion = random.Next(0, 8_000);
            if (i % 20 == 19)
            {
                rows.Add(new Row(Log(OtherTypes[i / 20 % OtherTypes.Length], at, user, model, prompt, completion,
                    """{"admin_info":{"use_channel":["1"]}}"""), user, 0, 0, 0, 0));
                continue;
            }
            consumed++;
            long c = random.Next(0, 40_000), w = random.Next(0, 5_000);
            rows.Add(consumed switch
            {
                <= LegacyClaudeRows when consumed % 3 == 0 =>
                    Made(Log(2, at, user, model, prompt, completion, Other(("claude", true), ("cache_tokens", c), ("cache_creation_tokens", w))), prompt, c, w),
                LegacyClaudeRows + 1 =>
                    Made(Log(2, at, user, model, prompt, completion, Other(("claude", true), ("usage_semantic", "anthropic"), ("cache_tokens", c), ("cache_creation_tokens", w))), prompt, c, w),
                _ => (consumed > LegacyClaudeRows ? random.Next(7) : random.Next(3)) switch
                {
                    0 => Made(Log(2, at, user, model, prompt, completion, Other(("cache_tokens", 0L))), prompt, 0, 0),
                    1 => Made(Log(2, at, user, model, prompt + c, completion, Other(("cache_tokens", c))), prompt, c, 0),
                    2 => Made(Log(2, at, user, model, prompt, completion, random.Next(3) switch { 0 => null, 1 => "", _ => "{not json" }), prompt, 0, 0),
                    3 => Made(Log(2, at, user, model, prompt, completion, Other(("claude", true), ("usage_semantic", "anthropic"), ("cache_tokens", c), ("cache_creation_tokens", w), ("cache_write_tokens", w))), prompt, c, w),
                    // An OpenAI-format request answered by a Claude channel: prompt_tokens = input + cache read + cache write.
                    4 => Made(Log(2, at, user, model, prompt + c + w, completion, Other(("claude", true), ("cache_tokens", c), ("cache_creation_tokens", w), ("cache_write_tokens", w))), prompt, c, w),
                    5 => Made(Log(2, at, user, model, prompt + c + w, completion, Other(("usage_semantic", "openai"), ("cache_tokens", c), ("cache_creation_tokens", w))), prompt, c, w),
                    // OpenAI-format usage with the Claude 5m/1h split: new-api bills prompt_tokens as uncached input.
                    _ => Made(Log(2, at, user, model, prompt, completion, Other(("cache_tokens", c), ("cache_creation_tokens_5m", w / 2), ("cache_creation_tokens_1h", w - w / 2))), prompt, c, w),
                },
            });
        }
        return rows;

        Row Made(NewApiLog log, long input, long cached, long write) => new(log, UserOf(log), input, cached, write, log.CompletionTokens);
        NewApiUser UserOf(NewApiLog log) => users.Single(u => u.Id == log.UserId);
    }

    private static NewApiLog Log(int type, long at, NewApiUser user, string model, long prompt, long completion, string? other) =>
        new(type, at, user.Id, user.Name, user.TokenName, user.Id * 10, user.Group, model, prompt, completion, other);

    /// <summary>The other column as new-api fills it for a text consumption, plus the given cache facts.</summary>
    private static string Other(params (string Key, object Value)[] facts)
    {
        var map = new Dictionary<string, object>
        {
            ["model_ratio"] = 1.5, ["group_ratio"] = 1, ["completion_ratio"] = 4, ["cache_ratio"] = 0.1, ["model_price"] = -1,
            ["user_group_ratio"] = -1, ["frt"] = 321.0, ["admin_info"] = new { use_channel = new[] { "3" } }, ["request_path"] = "/v1/chat/completions",
        };
        foreach (var (key, value) in facts) map[key] = value;
        return JsonSerializer.Serialize(map);
    }

    /// <summary>Per-model totals of the consumption rows whose user maps to <paramref name="tenant"/>.</summary>
    public static List<ModelTotals> Totals(IEnumerable<Row> rows, Func<NewApiUser, string?> tenantOf, string tenant) => rows
        .Where(r => r.Log.Type == 2 && tenantOf(r.User) == tenant)
        .GroupBy(r => r.Log.ModelName)
        .OrderBy(g => g.Key, StringComparer.Ordinal)
        .Select(g => new ModelTotals(g.Key, g.Count(), g.Sum(r => r.Input), g.Sum(r => r.Cached), g.Sum(r => r.Write), g.Sum(r => r.Output)))
        .ToList();
}

using System.Globalization;
using System.Text.Json;
using Shouldly;
using TokenLedger.Pricing;
using TokenLedger.Pricing.ImportingLiteLlm;
using TokenLedger.Testing;
using static TokenLedger.Tests.Pricing.PriceBooks;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="LiteLlmImport"/> on a real extract of the LiteLLM price file (tests/data, see its README).</summary>
public class importing_litellm_prices : IClassFixture<importing_litellm_prices.RealFile>
{
    public sealed class RealFile
    {
        public RealFile()
        {
            Path = LocateRealFile();
            Text = File.ReadAllText(Path);
            using var stream = File.OpenRead(Path);
            Result = LiteLlmImport.Read(stream, new SyncProgress(Reports));
        }

        public string Path { get; }
        public string Text { get; }
        public List<int> Reports { get; } = [];
        public LiteLlmImportResult Result { get; }
    }

    private readonly RealFile _file;
    private readonly LiteLlmImportResult _result;

    public importing_litellm_prices(RealFile file)
    {
        _file = file;
        _result = file.Result;
    }

    [Fact]
    public void deepseek_chat_is_read_from_the_number_text_exactly()
    {
        // input_cost_per_token 2.8e-07, cache_read_input_token_cost 2.8e-08, cache_creation_input_token_cost 0.0, output 4.2e-07
        var price = Mapped("deepseek/deepseek-chat");

        price.Base.ShouldBe(Prices(0.28m, 0.028m, 0m, 0.42m));
        price.Base.InputPerMillion.ToString(CultureInfo.InvariantCulture).ShouldBe("0.28");
        price.ContextTiers.ShouldBeEmpty();
    }

    [Fact]
    public void a_dashscope_qwen_model_with_tiered_pricing_gets_a_context_tier_above_each_range_start()
    {
        var price = Mapped("dashscope/qwen3-coder-flash");

        price.Base.ShouldBe(Prices(0.3m, 0.08m, 0.3m, 1.5m));
        price.ContextTiers.ShouldBe(
        [
            new ContextTier(32_000, Prices(0.5m, 0.12m, 0.5m, 2.5m)),
            new ContextTier(128_000, Prices(0.8m, 0.2m, 0.8m, 4m)),
            new ContextTier(256_000, Prices(1.6m, 0.4m, 1.6m, 9.6m)),
        ]);
        Mapped("dashscope/qwen-plus-latest").ContextTiers.ShouldBe([new ContextTier(256_000, Prices(1.2m, 1.2m, 1.2m, 3.6m))]);
        _result.FieldsNotMapped.ShouldContain(new LiteLlmFieldNote("dashscope/qwen-plus-latest", "tiered_pricing.output_cost_per_reasoning_token",
            "reasoning tokens are not a class of their own: they are rated as output tokens"));
    }

    [Fact]
    public void a_volcengine_doubao_model_is_priced_by_its_input_length_ranges()
    {
        var price = Mapped("volcengine/doubao-seed-2-0-pro-260215");

        price.Base.ShouldBe(Prices(0.46m, 0.46m, 0.46m, 2.3m));
        price.ContextTiers.ShouldBe(
        [
            new ContextTier(32_000, Prices(0.7m, 0.7m, 0.7m, 3.5m)),
            new ContextTier(128_000, Prices(1.4m, 1.4m, 1.4m, 7m)),
        ]);
    }

    [Fact]
    public void an_anthropic_claude_model_has_cache_read_and_cache_creation_and_a_tier_above_200k()
    {
        var price = Mapped("claude-sonnet-4-5");

        price.Base.ShouldBe(Prices(3m, 0.3m, 3.75m, 15m));
        price.ContextTiers.ShouldBe([new ContextTier(200_000, Prices(6m, 0.6m, 7.5m, 22.5m))]);
        _result.FieldsNotMapped.ShouldContain(new LiteLlmFieldNote("claude-sonnet-4-5", "cache_creation_input_token_cost_above_1hr",
            "the 1-hour cache write price is not mapped: cache writes are rated at cache_creation_input_token_cost"));
    }

    [Fact]
    public void an_openai_gpt_model_maps_its_standard_tier_and_reports_batches_and_priority()
    {
        var price = Mapped("gpt-4o");

        price.Base.ShouldBe(Prices(2.5m, 1.25m, 2.5m, 10m));
        _result.FieldsNotMapped.Where(f => f.Model == "gpt-4o").Select(f => f.Field).Order().ShouldBe(
        [
            "cache_read_input_token_cost_priority", "input_cost_per_token_batches", "input_cost_per_token_priority",
            "output_cost_per_token_batches", "output_cost_per_token_priority",
        ]);
        _result.FieldsNotMapped.First(f => f.Field == "input_cost_per_token_priority").Reason
            .ShouldBe("service tier 'priority' is not mapped: requests are rated at the standard tier's prices");
    }

    [Fact]
    public void a_gemini_model_with_above_200k_prices_gets_a_tier_above_200000_tokens()
    {
        var price = Mapped("gemini/gemini-2.5-pro");

        price.Base.ShouldBe(Prices(1.25m, 0.125m, 1.25m, 10m));
        price.ContextTiers.ShouldBe([new ContextTier(200_000, Prices(2.5m, 0.25m, 2.5m, 15m))]);
    }

    [Fact]
    public void k_means_1000_and_a_class_without_an_above_price_keeps_its_base_price()
    {
        // xai/grok-4-fast-reasoning: input/output above 128k, cache read only at the base price (5e-08).
        var price = Mapped("xai/grok-4-fast-reasoning");

        price.Base.ShouldBe(Prices(0.2m, 0.05m, 0.2m, 0.5m));
        price.ContextTiers.ShouldBe([new ContextTier(128_000, Prices(0.4m, 0.05m, 0.4m, 1m))]);
    }

    [Fact]
    public void a_number_with_binary_floating_point_noise_is_imported_as_written_and_warned_about()
    {
        Mapped("databricks/databricks-claude-3-7-sonnet").Base.InputPerMillion.ShouldBe(2.9999900000000002m);
        _result.Warnings.ShouldContain(new LiteLlmFieldNote("databricks/databricks-claude-3-7-sonnet", "input_cost_per_token",
            "2.9999900000000002e-06 looks like a binary floating-point artefact; imported exactly as written: 2.9999900000000002 per million"));
    }

    [Fact]
    public void every_flat_price_in_the_file_equals_its_text_times_a_million()
    {
        using var document = JsonDocument.Parse(_file.Text);
        var checkedPrices = 0;
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (_result.Find(entry.Name) is not { } price || entry.Value.TryGetProperty("tiered_pricing", out _)) continue;
            foreach (var (field, actual) in new[] { ("input_cost_per_token", price.Base.InputPerMillion), ("output_cost_per_token", price.Base.OutputPerMillion) })
            {
                if (!entry.Value.TryGetProperty(field, out var number)) continue;
                actual.ShouldBe(decimal.Parse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture) * 1_000_000m, $"{entry.Name}.{field}");
                checkedPrices++;
            }
        }
        checkedPrices.ShouldBeGreaterThan(200);
    }

    [Fact]
    public void models_without_usable_prices_are_reported_with_a_reason_and_non_models_are_skipped()
    {
        _result.EntriesRead.ShouldBe(126);
        (_result.Prices.Count + _result.Unmapped.Count).ShouldBe(124);
        _result.Prices.Count.ShouldBeGreaterThan(95);
        _result.Unmapped.ShouldContain(new LiteLlmUnmappedModel("dall-e-2", "no price per text token (mode 'image_generation'); priced by input_cost_per_image"));
        _result.Unmapped.ShouldContain(new LiteLlmUnmappedModel("exa_ai/search", "tiered_pricing[0] has no input-token range [lo, hi]: not priced per token (priced by input_cost_per_query)"));
        _result.Unmapped.ShouldContain(new LiteLlmUnmappedModel("dashscope/qwen3-30b-a3b", "no prices at all (mode 'chat')"));
        _result.Unmapped.Select(u => u.Model).ShouldNotContain("sample_spec");
        _result.Prices.Select(p => p.Model).ShouldNotContain("fallback_generalizations");
        _result.Prices.Select(p => p.Model).ShouldBeUnique();
    }

    [Fact]
    public void progress_counts_entries_read_up_to_the_whole_file()
    {
        _file.Reports.ShouldNotBeEmpty();
        _file.Reports.ShouldBeInOrder();
        _file.Reports.ShouldBe([100, 126]);
    }

    [Fact]
    public void the_imported_prices_make_a_price_book_that_rates()
    {
        var version = _result.ToVersion("litellm-usd", 1, June1Shanghai);

        var charge = Rating.Rate(version, "deepseek/deepseek-chat", Tokens(input: 1_000_000, cachedInput: 2_000_000, output: 500_000), June1Shanghai).ShouldBeRated();

        (charge.Currency, charge.Amount).ShouldBe(("USD", 0.546m)); // 0.28 + 2 × 0.028 + 0.5 × 0.42
    }

    [Fact]
    public void a_small_document_reads_the_same_from_a_string()
    {
        var result = LiteLlmImport.Read("""{"m":{"input_cost_per_token":1.5e-6,"output_cost_per_token":6E-6,"cache_read_input_token_cost":1.5e-7,"mode":"chat"},"sample_spec":{}}""");

        result.Prices.ShouldHaveSingleItem().Base.ShouldBe(Prices(1.5m, 0.15m, 1.5m, 6m));
        LiteLlmImport.PerMillion("2.8e-07").ShouldBe(0.28m);
        LiteLlmImport.PerMillion("1e-6").ShouldBe(1m);
    }

    private ModelPrice Mapped(string model) =>
        _result.Find(model) ?? throw new ShouldAssertException($"{model} was not mapped: {_result.Unmapped.FirstOrDefault(u => u.Model == model)?.Reason}");

    /// <summary>The extract of the LiteLLM price file kept in the repository.</summary>
    internal static string LocateRealFile() => System.IO.Path.Combine(Repository.Root, "tests", "data", "litellm-model-prices.json");

    private sealed class SyncProgress(List<int> reports) : IProgress<int>
    {
        public void Report(int value) => reports.Add(value);
    }
}

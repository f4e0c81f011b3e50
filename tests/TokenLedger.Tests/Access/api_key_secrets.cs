using System.Text.RegularExpressions;
using Shouldly;
using TokenLedger.Access;
using Xunit;

namespace TokenLedger.Tests.Access;

/// <summary><see cref="ApiKeySecret"/>: key format, key id extraction and hash comparison.</summary>
public class api_key_secrets
{
    private static readonly Regex KeyFormat = new(@"\Atl_(?<id>[0-9a-f]{16})_[0-9a-f]{64}\z");
    private static readonly Regex Sha256Hex = new(@"\A[0-9a-f]{64}\z");

    [Fact]
    public void a_generated_key_is_tl_then_16_hex_digits_of_id_then_64_hex_digits_of_secret()
    {
        var generated = ApiKeySecret.Generate();

        var match = KeyFormat.Match(generated.Key);
        match.Success.ShouldBeTrue(generated.Key);
        match.Groups["id"].Value.ShouldBe(generated.KeyId);
        generated.Key.Length.ShouldBe(3 + 16 + 1 + 64);
    }

    [Fact]
    public void a_generated_key_comes_with_the_sha256_of_the_whole_key_not_the_key_itself()
    {
        var generated = ApiKeySecret.Generate();

        generated.Hash.ShouldBe(ApiKeySecret.Hash(generated.Key));
        Sha256Hex.IsMatch(generated.Hash).ShouldBeTrue(generated.Hash);
        generated.Hash.ShouldNotContain(generated.Key[20..]);
    }

    [Fact]
    public void every_generated_key_is_different()
    {
        var keys = Enumerable.Range(0, 50).Select(_ => ApiKeySecret.Generate()).ToList();

        keys.Select(k => k.Key).Distinct().Count().ShouldBe(50);
        keys.Select(k => k.KeyId).Distinct().Count().ShouldBe(50);
    }

    [Fact]
    public void the_hash_is_lowercase_hex_sha256_of_the_utf8_key()
    {
        ApiKeySecret.Hash("abc").ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        ApiKeySecret.Hash("").ShouldBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    [Fact]
    public void the_key_id_of_a_generated_key_round_trips()
    {
        var generated = ApiKeySecret.Generate();

        ApiKeySecret.KeyIdOf(generated.Key).ShouldBe(generated.KeyId);
    }

    [Fact]
    public void a_key_matches_its_own_hash()
    {
        var generated = ApiKeySecret.Generate();

        ApiKeySecret.Matches(generated.Key, generated.Hash).ShouldBeTrue();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(19)]
    [InlineData(20)]
    [InlineData(83)]
    public void a_key_with_one_character_changed_does_not_match(int position)
    {
        var generated = ApiKeySecret.Generate();
        var chars = generated.Key.ToCharArray();
        chars[position] = chars[position] == 'a' ? 'b' : 'a';
        var tampered = new string(chars);

        tampered.ShouldNotBe(generated.Key);
        ApiKeySecret.Matches(tampered, generated.Hash).ShouldBeFalse();
    }

    [Fact]
    public void a_key_does_not_match_another_keys_hash_or_a_malformed_hash()
    {
        var one = ApiKeySecret.Generate();
        var other = ApiKeySecret.Generate();

        ApiKeySecret.Matches(one.Key, other.Hash).ShouldBeFalse();
        ApiKeySecret.Matches(one.Key, "").ShouldBeFalse();
        ApiKeySecret.Matches(one.Key, one.Hash[..63]).ShouldBeFalse();
        ApiKeySecret.Matches(one.Key, one.Hash.ToUpperInvariant()).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("junk")]
    [InlineData("tl_")]
    [InlineData("tl__")]
    [InlineData("Bearer tl_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("TL_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("tl-0123456789abcdef-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("tl_0123456789abcde_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("tl_0123456789abcdef0_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("tl_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData("tl_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef_x")]
    public void a_string_that_is_not_shaped_like_a_key_has_no_key_id(string key)
    {
        ApiKeySecret.KeyIdOf(key).ShouldBeNull();
    }

    [Fact]
    public void a_well_shaped_string_yields_its_id_part()
    {
        ApiKeySecret.KeyIdOf("tl_0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
            .ShouldBe("0123456789abcdef");
    }
}

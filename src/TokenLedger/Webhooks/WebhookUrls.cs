using System.Net;
using System.Net.Sockets;

namespace TokenLedger.Webhooks;

/// <summary>
/// What an endpoint URL may be: absolute http or https, no credentials in it, at most 2,000 characters; and, unless
/// <see cref="WebhookOptions.AllowPrivateAddresses"/>, not a loopback, private, link-local or unspecified address.
/// </summary>
public static class WebhookUrls
{
    public const int MaxLength = 2000;

    public static string? Refusal(string? url, bool allowPrivate)
    {
        if (string.IsNullOrWhiteSpace(url)) return "url is required (an absolute http or https URL)";
        if (url.Length > MaxLength) return $"url must be at most {MaxLength} characters";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "url must be an absolute http or https URL";
        if (uri.UserInfo.Length > 0) return "url must not carry credentials (user:password@)";
        if (!allowPrivate && (uri.IsLoopback || (IPAddress.TryParse(uri.IdnHost, out var ip) && IsPrivate(ip))))
            return "url points at a loopback or private address, which this service does not call (TokenLedger:Webhooks:AllowPrivateAddresses is off)";
        return null;
    }

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127,
            169 => b[1] == 254,
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168,
            >= 224 => true,
            _ => false,
        };
    }
}

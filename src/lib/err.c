/*
 * err.c - the table behind enum tb_err: HTTP status, machine code, titles.
 *
 * The machine codes are part of the public API (clients switch on them), so
 * a code, once published, never changes meaning.
 */
#include "lib/err.h"

#include <stddef.h>

static const struct tb_err_info err_table[] = {
    {TB_OK, 200, "ok", "成功", "OK"},
    {TB_ERR_INTERNAL, 500, "internal_error", "服务器内部错误", "Internal server error"},
    {TB_ERR_NOMEM, 503, "out_of_memory", "服务器资源不足，请稍后重试",
     "Server out of resources, try again later"},
    {TB_ERR_INVALID, 422, "invalid_value", "提交的数据不符合要求", "Invalid value"},
    {TB_ERR_BAD_REQUEST, 400, "bad_request", "请求格式错误", "Bad request"},
    {TB_ERR_BAD_JSON, 400, "bad_json", "请求体不是合法的 JSON", "Request body is not valid JSON"},
    {TB_ERR_JSON_DEPTH, 400, "json_too_deep", "JSON 嵌套层级过深", "JSON nested too deeply"},
    {TB_ERR_BAD_UTF8, 400, "bad_utf8", "文本不是合法的 UTF-8 编码", "Text is not valid UTF-8"},
    {TB_ERR_TOO_LARGE, 413, "too_large", "请求内容过大", "Request content too large"},
    {TB_ERR_MEDIA_TYPE, 415, "unsupported_media_type", "不支持的内容类型",
     "Unsupported media type"},
    {TB_ERR_NOT_FOUND, 404, "not_found", "未找到请求的资源", "Not found"},
    {TB_ERR_METHOD, 405, "method_not_allowed", "不允许的请求方法", "Method not allowed"},
    {TB_ERR_CONFLICT, 409, "conflict", "与当前状态冲突", "Conflict with the current state"},
    {TB_ERR_UNAUTHENTICATED, 401, "unauthenticated", "请先登录", "Authentication required"},
    {TB_ERR_FORBIDDEN, 403, "forbidden", "没有操作权限", "Forbidden"},
    {TB_ERR_PRECONDITION, 412, "precondition_failed", "数据已被他人修改，请刷新后重试",
     "Precondition failed: the resource has changed"},
    {TB_ERR_PRECONDITION_REQUIRED, 428, "precondition_required", "缺少 If-Match 请求头",
     "If-Match header required"},
    {TB_ERR_RATE_LIMITED, 429, "rate_limited", "请求过于频繁，请稍后再试", "Too many requests"},
    {TB_ERR_UNAVAILABLE, 503, "unavailable", "服务暂时不可用", "Service unavailable"},
    {TB_ERR_DB, 503, "database_error", "数据库暂时不可用", "Database unavailable"},
    {TB_ERR_BUSY, 503, "busy", "系统繁忙，请稍后重试", "Server busy, try again later"},
    {TB_ERR_IO, 500, "io_error", "存储读写失败", "Storage error"},
    {TB_ERR_CRYPTO, 500, "crypto_error", "密码运算失败", "Cryptographic failure"},
    {TB_ERR_IDEMPOTENCY, 422, "idempotency_key_reused", "幂等键已用于不同的请求",
     "Idempotency-Key was used for a different request"},
    {TB_ERR_NOT_ACCEPTABLE, 406, "not_acceptable", "无法提供所请求的格式", "Not acceptable"},
    {TB_ERR_RANGE, 422, "out_of_range", "数值超出支持的范围", "Value out of supported range"},
    {TB_ERR_LOGIN_FAILED, 401, "login_failed", "账号或密码错误", "Wrong user name or password"},
    {TB_ERR_CSRF, 403, "csrf_failed", "请求来源校验失败，请刷新页面后重试",
     "Request origin check failed; reload the page and try again"},
    {TB_ERR_PASSWORD_CHANGE, 403, "password_change_required", "请先修改密码",
     "You must change your password first"},
};

const struct tb_err_info *tb_err_info(int err)
{
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if ((int)err_table[i].err == err)
            return &err_table[i];
    return &err_table[1];
}

const char *tb_err_code(int err)
{
    return tb_err_info(err)->code;
}

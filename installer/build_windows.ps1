<#
.SYNOPSIS
    Builds the Windows release of 政府信息公开年报助手: the frozen engine, its smoke test and
    dist\gknb-<version>-win64.zip.

.DESCRIPTION
    Run from anywhere, on 64-bit Windows with Python 3.11 (python.org installer or the py
    launcher):

        powershell -NoProfile -ExecutionPolicy Bypass -File installer\build_windows.ps1

    Steps:
      1. a venv (build\venv-win) with the pinned toolchain: the project, pywin32, PyInstaller
         (installer\constraints.txt, and the `dist` extra of pyproject.toml);
      2. PyInstaller: installer\gknb.spec -> dist\gknb\ (gknb.exe, gknb-excel.exe, _internal\);
      3. smoke test of the frozen programs (installer\smoke.py): --version, every module,
         new -> fill -> check, Word export read back, review with a process pool, gknb-excel with
         bad arguments;
      4. the zip (installer\pack.py): the onedir, workbook_template.xlsm, the install and
         uninstall scripts, 安装说明.txt, README-IT.md, version.txt, SHA256SUMS.txt.
    Signing (optional): set GKNB_SIGN_CERT_THUMBPRINT (a code-signing certificate in the
    current user's store) to sign both exes before packing; see README-IT.md.

    The version comes from pysrc\gknb\__init__.py (the only place it is written).

.PARAMETER Python
    python.exe (3.11) to create the venv with. Default: `py -3.11`, else `python` on PATH.

.PARAMETER Fresh
    Recreate the venv.
#>
[CmdletBinding()]
param(
    [string]$Python = '',
    [switch]$Fresh
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$Root = Split-Path -Parent $PSScriptRoot
Set-Location -LiteralPath $Root
$Venv = Join-Path $Root 'build\venv-win'
$VenvPython = Join-Path $Venv 'Scripts\python.exe'

function Step([string]$Text) { Write-Host "==> $Text" -ForegroundColor Cyan }

function Invoke-Checked {
    # Runs a program with the remaining arguments; stops the build when it fails.
    # (A simple function: its $args keep "-m" and the like as plain arguments. Errors are
    # judged by the exit code: pip and PyInstaller write progress to stderr, which Windows
    # PowerShell turns into error records when its output is redirected, as in CI.)
    $ErrorActionPreference = 'Continue'
    $exe, $rest = $args
    & $exe @rest
    if ($LASTEXITCODE -ne 0) { throw "失败（退出码 $LASTEXITCODE）：$exe $($rest -join ' ')" }
}

# 1. Toolchain
if (-not $Python) {
    if (Get-Command py -ErrorAction SilentlyContinue) {
        $Python = (& py -3.11 -c 'import sys; print(sys.executable)').Trim()
    } else {
        $Python = (Get-Command python).Source
    }
}
# (no double quotes inside native arguments: Windows PowerShell 5.1 does not escape them)
$pyVersion = (& $Python -c 'import sys; print(*sys.version_info[:2], sep=chr(46))').Trim()
if ($pyVersion -ne '3.11') { throw "需要 Python 3.11（找到的是 $pyVersion：$Python）。" }
if ($Fresh -and (Test-Path -LiteralPath $Venv)) { Remove-Item -LiteralPath $Venv -Recurse -Force }
if (-not (Test-Path -LiteralPath $VenvPython)) {
    Step "venv $Venv ($Python)"
    Invoke-Checked $Python -m venv $Venv
}
Step 'pinned toolchain'
Invoke-Checked $VenvPython -m pip install --quiet --upgrade pip
Invoke-Checked $VenvPython -m pip install --quiet '.[dist]' pywin32 -c installer\constraints.txt
$Version = (& $VenvPython -c 'import gknb; print(gknb.__version__)').Trim()
Step "gknb $Version"

# 2. Frozen engine
Step 'PyInstaller'
$env:PYTHONUTF8 = '1'
Invoke-Checked $VenvPython -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build\pyinstaller installer\gknb.spec
$Dist = Join-Path $Root 'dist\gknb'

# Optional signing, before the smoke test so the signed files are the tested ones.
if ($env:GKNB_SIGN_CERT_THUMBPRINT) {
    Step 'signing gknb.exe, gknb-excel.exe'
    $cert = Get-ChildItem -LiteralPath Cert:\CurrentUser\My |
        Where-Object { $_.Thumbprint -eq $env:GKNB_SIGN_CERT_THUMBPRINT } | Select-Object -First 1
    if (-not $cert) { throw '找不到 GKNB_SIGN_CERT_THUMBPRINT 指定的代码签名证书。' }
    $timestamp = if ($env:GKNB_SIGN_TIMESTAMP_URL) { $env:GKNB_SIGN_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }
    foreach ($exe in 'gknb.exe', 'gknb-excel.exe') {
        $result = Set-AuthenticodeSignature -FilePath (Join-Path $Dist $exe) -Certificate $cert `
            -TimestampServer $timestamp -HashAlgorithm SHA256
        if ($result.Status -ne 'Valid') { throw "签名失败：$exe：$($result.StatusMessage)" }
    }
}

# 3. Smoke test
Step 'smoke test'
Invoke-Checked $VenvPython installer\smoke.py $Dist

# 4. Package
Step 'zip'
Invoke-Checked $VenvPython installer\pack.py $Dist --out dist --platform win64
$size = (Get-ChildItem -LiteralPath $Dist -Recurse -File | Measure-Object -Property Length -Sum).Sum
Write-Host ('dist\gknb: {0:N1} MB' -f ($size / 1MB))
Write-Host "dist\gknb-$Version-win64.zip"

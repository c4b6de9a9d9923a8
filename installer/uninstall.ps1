<#
.SYNOPSIS
    Removes 政府信息公开年报助手 (gknb) for the current user: everything install.ps1 added,
    nothing else.

.DESCRIPTION
    Run through uninstall.cmd (Settings > Apps > 政府信息公开年报助手 > 卸载 runs it too), or
    silently:  uninstall.cmd /quiet

    Removes: the installed items in %LOCALAPPDATA%\gknb (then the folder, if nothing else is in
    it), the Excel Trusted Locations the installer registered, the Start-menu shortcut, the
    Explorer 发送到 entries and the Settings > Apps entry. Keeps: the reports folder and every
    workbook in it.

    Exit codes: 0 removed (or nothing to remove); 1 failed (see the log); 3 the engine is running
    (a ribbon button is busy) - retry later.
    Log: %TEMP%\gknb-uninstall.log
#>
[CmdletBinding()]
param(
    [switch]$Quiet,
    [string]$InstallDir = (Join-Path $env:LOCALAPPDATA 'gknb')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$InstallDir = [IO.Path]::GetFullPath($InstallDir).TrimEnd('\')

$ProductName = '政府信息公开年报助手'
$LogFile = Join-Path $env:TEMP 'gknb-uninstall.log'
$TrustedMarker = "$ProductName（安装程序添加）"
# Used when install.json is missing or unreadable: the names install.ps1 uses.
$Defaults = @{
    items = @('gknb.exe', 'gknb-excel.exe', '_internal', 'template', 'uninstall.cmd',
        'uninstall.ps1', 'new-report.ps1', 'version.txt', 'install.json')
    trustedLocationKeys = @(foreach ($v in '16.0', '15.0') {
            foreach ($n in 'gknb', 'gknb-reports') {
                "HKCU:\Software\Microsoft\Office\$v\Excel\Security\Trusted Locations\$n"
            }
        })
    shortcut = Join-Path ([Environment]::GetFolderPath('Programs')) '新建政府信息公开年报.lnk'
    sendToLinks = @(foreach ($n in '年报助手·校验.lnk', '年报助手·填充合计.lnk', '年报助手·导出Word.lnk') {
            Join-Path ([Environment]::GetFolderPath('SendTo')) $n
        })
    uninstallKey = 'HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\gknb'
    reportsFolder = ''
}

function Write-Log([string]$Message) {
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $LogFile -Value $line -Encoding UTF8
}

function Say([string]$Message) {
    Write-Log $Message
    Write-Host $Message
}

function Get-Setting($Manifest, [string]$Name) {
    if ($Manifest -and ($Manifest.PSObject.Properties.Name -contains $Name) -and $Manifest.$Name) {
        return $Manifest.$Name
    }
    return $Defaults[$Name]
}

function Remove-Quietly([string]$Path, [string]$What) {
    if (Test-Path -LiteralPath $Path) {
        Remove-Item -LiteralPath $Path -Recurse -Force
        Write-Log "removed $What $Path"
    }
}

try {
    Set-Content -LiteralPath $LogFile -Value "gknb uninstall of $InstallDir" -Encoding UTF8
    Say "正在卸载 $ProductName……"

    $running = @(Get-Process -ErrorAction SilentlyContinue | Where-Object {
        $p = $null
        try { $p = $_.Path } catch { }
        $p -and $p.StartsWith($InstallDir + '\', [StringComparison]::OrdinalIgnoreCase)
    })
    if ($running.Count -gt 0) {
        Write-Log 'exit 3: engine running'
        Write-Host '年报助手正在运行（Excel 中的按钮操作尚未结束）。请等它完成或关闭 Excel，然后重新卸载。' -ForegroundColor Red
        exit 3
    }

    $manifest = $null
    $manifestFile = Join-Path $InstallDir 'install.json'
    if (Test-Path -LiteralPath $manifestFile) {
        try {
            $manifest = Get-Content -LiteralPath $manifestFile -Raw -Encoding UTF8 | ConvertFrom-Json
        } catch {
            Write-Log "install.json unreadable, using defaults: $($_.Exception.Message)"
        }
    }

    # Trusted locations: only keys this installer wrote (their Description says so).
    foreach ($key in @(Get-Setting $manifest 'trustedLocationKeys')) {
        $item = Get-Item -LiteralPath $key -ErrorAction SilentlyContinue
        if ($item -and $item.GetValue('Description') -eq $TrustedMarker) {
            Remove-Item -LiteralPath $key -Recurse -Force
            Write-Log "removed trusted location $key"
        }
    }
    Remove-Quietly (Get-Setting $manifest 'shortcut') 'shortcut'
    foreach ($link in @(Get-Setting $manifest 'sendToLinks')) {
        Remove-Quietly $link 'send-to entry'
    }
    Remove-Quietly (Get-Setting $manifest 'uninstallKey') 'registry key'

    # The installed items, then the folder if the user kept nothing else in it.
    if (Test-Path -LiteralPath $InstallDir) {
        foreach ($name in @(Get-Setting $manifest 'items')) {
            Remove-Quietly (Join-Path $InstallDir $name) 'item'
        }
        if (-not (Get-ChildItem -LiteralPath $InstallDir -Force)) {
            Remove-Item -LiteralPath $InstallDir -Force
            Write-Log "removed folder $InstallDir"
        } else {
            Say "文件夹 $InstallDir 中还有不是安装程序放入的文件，已保留。"
        }
    }

    Say "$ProductName 已卸载。"
    $reports = Get-Setting $manifest 'reportsFolder'
    if ($reports -and (Test-Path -LiteralPath $reports)) {
        Say "您的年报文件仍保存在 $reports，未删除。"
    }
    Write-Log 'exit 0'
    exit 0
} catch {
    Write-Log ($_ | Out-String)
    Write-Host "卸载失败：$($_.Exception.Message)" -ForegroundColor Red
    Write-Host "详细记录：$LogFile"
    exit 1
}

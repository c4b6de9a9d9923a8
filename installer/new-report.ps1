<#
.SYNOPSIS
    The Start-menu shortcut 新建政府信息公开年报: copies the template into the reports folder
    under a name that is not taken yet and opens it in Excel.

.DESCRIPTION
    Installed by install.ps1 into %LOCALAPPDATA%\gknb. The reports folder is the one install
    registered as an Excel Trusted Location (install.json), so the ribbon's macros run.
    Errors are shown in a message box (the shortcut runs without a console window).
#>
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$Title = '政府信息公开年报助手'
$BaseName = '政府信息公开工作年度报告'

function Show-Message([string]$Text, [int]$Icon) {
    (New-Object -ComObject WScript.Shell).Popup($Text, 0, $Title, $Icon) | Out-Null
}

function Find-Excel {
    foreach ($root in 'HKCU:', 'HKLM:') {
        $item = Get-Item -LiteralPath "$root\Software\Microsoft\Windows\CurrentVersion\App Paths\excel.exe" -ErrorAction SilentlyContinue
        if ($item) {
            $path = $item.GetValue('')
            if ($path -and (Test-Path -LiteralPath $path)) { return $path }
        }
    }
    return $null
}

try {
    $folder = ''
    $manifestFile = Join-Path $PSScriptRoot 'install.json'
    if (Test-Path -LiteralPath $manifestFile) {
        $manifest = Get-Content -LiteralPath $manifestFile -Raw -Encoding UTF8 | ConvertFrom-Json
        if ($manifest.PSObject.Properties.Name -contains 'reportsFolder') { $folder = $manifest.reportsFolder }
    }
    if (-not $folder) {
        $folder = Join-Path ([Environment]::GetFolderPath('MyDocuments')) '政府信息公开年报'
    }
    New-Item -ItemType Directory -Path $folder -Force | Out-Null

    $template = Join-Path $PSScriptRoot 'template\workbook_template.xlsm'
    if (-not (Test-Path -LiteralPath $template)) {
        throw "找不到年报模板 $template。请重新运行安装程序。"
    }
    $target = Join-Path $folder "$BaseName.xlsm"
    $n = 2
    while (Test-Path -LiteralPath $target) {  # never overwrite an existing report
        $target = Join-Path $folder "$BaseName（$n）.xlsm"
        $n++
    }
    Copy-Item -LiteralPath $template -Destination $target
    Set-ItemProperty -LiteralPath $target -Name IsReadOnly -Value $false  # the template is read-only
    Unblock-File -LiteralPath $target

    # Excel itself: the ribbon buttons do not work in WPS, even where WPS opens .xlsm files.
    $excel = Find-Excel
    if ($excel) {
        Start-Process -FilePath $excel -ArgumentList ('"' + $target + '"')
    } else {
        Invoke-Item -LiteralPath $target
    }
} catch {
    Show-Message ("新建年报失败：" + $_.Exception.Message) 16
    exit 1
}

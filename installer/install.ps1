<#
.SYNOPSIS
    Installs 政府信息公开年报助手 (gknb) for the current user. No administrator rights needed.

.DESCRIPTION
    Run through install.cmd (double-click), or for silent deployment:
        install.cmd /quiet
        powershell -NoProfile -ExecutionPolicy Bypass -File install.ps1 -Quiet

    What it does (undone exactly by uninstall.ps1):
      1. copies the engine (gknb.exe, gknb-excel.exe, _internal\) to %LOCALAPPDATA%\gknb,
         the template to %LOCALAPPDATA%\gknb\template, and uninstall/new-report scripts beside;
      2. removes Mark-of-the-Web from the installed files (Unblock-File);
      3. registers two Excel Trusted Locations under HKCU (Office 16.0, and 15.0 when present):
         the template folder and the reports folder (Documents\政府信息公开年报, or
         %USERPROFILE%\政府信息公开年报 when OneDrive syncs Documents), so the ribbon's macros
         run without a security prompt; the installed template is made read-only, so no report
         is ever saved into it;
      4. creates the Start-menu shortcut 新建政府信息公开年报 (copies the template to the reports
         folder under a new name and opens it in Excel), and the Explorer 发送到 (SendTo)
         entries 年报助手·校验 / 年报助手·填充合计 / 年报助手·导出Word, which run the engine on
         a closed workbook without any macro (for PCs where macros cannot run, and for WPS);
      5. registers an entry in Settings > Apps (HKCU, per user) that runs uninstall.cmd;
      6. starts the installed gknb.exe once (--version) to prove antivirus let it run.
    A previous installation is replaced in place; the reports folder is never touched.

    Exit codes: 0 installed; 1 failed (see the log); 2 the package is incomplete;
    3 the engine is running (a ribbon button is busy) - retry later; 4 the installed engine
    does not start (usually antivirus) - see README-IT.md.
    Log: %TEMP%\gknb-install.log

.PARAMETER Quiet
    No prompts and no windows; for mass deployment. The exit code says how it went.

.PARAMETER ReportsFolder
    Where the Start-menu shortcut creates new reports (default: Documents\政府信息公开年报;
    %USERPROFILE%\政府信息公开年报 when Documents is redirected into OneDrive). Registered as
    a trusted location.
#>
[CmdletBinding()]
param(
    [switch]$Quiet,
    [string]$ReportsFolder = ''
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$ProductName = '政府信息公开年报助手'
$ShortcutName = '新建政府信息公开年报'
$AppId = 'gknb'
$InstallDir = Join-Path $env:LOCALAPPDATA $AppId
$Package = $PSScriptRoot
$LogFile = Join-Path $env:TEMP 'gknb-install.log'
$TrustedKeyNames = @('gknb', 'gknb-reports')
$TrustedMarker = "$ProductName（安装程序添加）"
$UninstallKey = "HKCU:\Software\Microsoft\Windows\CurrentVersion\Uninstall\$AppId"
# Explorer 发送到 entries: shortcut name -> the engine's --sendto verb (gknb.sendto.VERBS).
$SendToEntries = [ordered]@{ '年报助手·校验' = 'check'; '年报助手·填充合计' = 'fill'; '年报助手·导出Word' = 'export' }
# What install puts into $InstallDir (uninstall removes exactly these).
$InstalledItems = @('gknb.exe', 'gknb-excel.exe', '_internal', 'template', 'uninstall.cmd',
    'uninstall.ps1', 'new-report.ps1', 'version.txt', 'install.json')

$EXIT_OK = 0; $EXIT_FAILED = 1; $EXIT_PACKAGE = 2; $EXIT_IN_USE = 3; $EXIT_ENGINE = 4

function Write-Log([string]$Message) {
    $line = '{0:yyyy-MM-dd HH:mm:ss} {1}' -f (Get-Date), $Message
    Add-Content -LiteralPath $LogFile -Value $line -Encoding UTF8
}

function Say([string]$Message) {
    Write-Log $Message
    Write-Host $Message
}

function Stop-Install([int]$Code, [string]$Message) {
    Write-Log "exit $Code"
    Write-Host ''
    Write-Host $Message -ForegroundColor Red
    Write-Host "详细记录：$LogFile"
    exit $Code
}

function Get-RegistryValue([string]$Key, [string]$Name) {
    # The value, or $null when the key or the value does not exist ('' = the default value).
    $item = Get-Item -LiteralPath $Key -ErrorAction SilentlyContinue
    if ($item) { return $item.GetValue($Name) }
    return $null
}

function Get-OfficeVersions {
    # Excel versions this user has run (16.0 = Office 2016/2019/2021/2024/365, 15.0 = 2013).
    $found = @('16.0', '15.0') | Where-Object {
        Test-Path -LiteralPath "HKCU:\Software\Microsoft\Office\$_\Excel"
    }
    if (-not $found) { $found = @('16.0') }  # Excel not started yet: the current version
    return @($found)
}

function Test-UserLocationsBlocked([string]$Version) {
    # Group Policy can disable trusted locations a user adds (IT must add ours by policy).
    $common = "HKCU:\Software\Policies\Microsoft\Office\$Version\Common\Security\Trusted Locations"
    $excel = "HKCU:\Software\Policies\Microsoft\Office\$Version\Excel\Security\Trusted Locations"
    $allow = Get-RegistryValue $common 'Allow User Locations'
    $off = Get-RegistryValue $excel 'AllLocationsDisabled'
    return (($null -ne $allow -and $allow -eq 0) -or ($null -ne $off -and $off -eq 1))
}

function Add-TrustedLocation([string]$Version, [string]$Name, [string]$Folder) {
    $key = "HKCU:\Software\Microsoft\Office\$Version\Excel\Security\Trusted Locations\$Name"
    $path = $Folder.TrimEnd('\') + '\'
    if (-not (Test-Path -LiteralPath $key)) { New-Item -Path $key -Force | Out-Null }  # with parents
    New-ItemProperty -LiteralPath $key -Name 'Path' -Value $path -PropertyType String -Force | Out-Null
    New-ItemProperty -LiteralPath $key -Name 'AllowSubfolders' -Value 1 -PropertyType DWord -Force | Out-Null
    New-ItemProperty -LiteralPath $key -Name 'Description' -Value $TrustedMarker -PropertyType String -Force | Out-Null
    New-ItemProperty -LiteralPath $key -Name 'Date' -Value (Get-Date -Format 'yyyy/M/d H:mm') -PropertyType String -Force | Out-Null
    Write-Log "trusted location $key -> $path"
    return $key
}

function Test-UnderOneDrive([string]$Path) {
    # OneDrive's Known Folder Move redirects Documents into the synced folder.
    foreach ($root in @($env:OneDrive, $env:OneDriveCommercial, $env:OneDriveConsumer)) {
        if (-not $root) { continue }
        $root = $root.TrimEnd('\')
        if ($Path -ieq $root -or $Path.StartsWith($root + '\', [StringComparison]::OrdinalIgnoreCase)) {
            return $true
        }
    }
    return $false
}

function Get-RunningEngine {
    # Processes started from the install folder (a ribbon click in progress).
    @(Get-Process -ErrorAction SilentlyContinue | Where-Object {
        $p = $null
        try { $p = $_.Path } catch { }
        $p -and $p.StartsWith($InstallDir + '\', [StringComparison]::OrdinalIgnoreCase)
    })
}

function Find-Excel {
    foreach ($root in 'HKCU:', 'HKLM:') {
        $key = "$root\Software\Microsoft\Windows\CurrentVersion\App Paths\excel.exe"
        $path = Get-RegistryValue $key ''
        if ($path -and (Test-Path -LiteralPath $path)) { return $path }
    }
    return $null
}

try {
    Set-Content -LiteralPath $LogFile -Value "gknb install from $Package" -Encoding UTF8
    Say "正在安装 $ProductName（当前用户，无需管理员权限）……"

    # 1. The package must be complete (double-clicking install.cmd inside the zip extracts
    #    only that file).
    $engineSource = Join-Path $Package 'gknb'
    $required = @('gknb\gknb.exe', 'gknb\gknb-excel.exe', 'gknb\_internal', 'workbook_template.xlsm',
        'uninstall.cmd', 'uninstall.ps1', 'new-report.ps1', 'version.txt')
    $missing = @($required | Where-Object { -not (Test-Path -LiteralPath (Join-Path $Package $_)) })
    if ($missing.Count -gt 0) {
        Stop-Install $EXIT_PACKAGE ("安装包不完整，缺少：$($missing -join '、')。" +
            "请先把下载的压缩包完整解压（右键 → 全部解压缩），再双击解压出的 install.cmd。")
    }
    if (-not [Environment]::Is64BitOperatingSystem) {
        Stop-Install $EXIT_FAILED "$ProductName 需要 64 位 Windows。"
    }
    $version = (Get-Content -LiteralPath (Join-Path $Package 'version.txt') -TotalCount 1).Trim()
    Write-Log "version $version, install dir $InstallDir"

    # 2. Nothing of a previous installation may be running.
    $running = @(Get-RunningEngine)
    if ($running.Count -gt 0) {
        Stop-Install $EXIT_IN_USE ("年报助手正在运行（Excel 中的按钮操作尚未结束）。" +
            "请等它完成或关闭 Excel，然后重新运行安装。")
    }

    # 3. Replace the previous installation item by item (anything else in the folder stays).
    New-Item -ItemType Directory -Path $InstallDir -Force | Out-Null
    foreach ($item in $InstalledItems) {
        $path = Join-Path $InstallDir $item
        if (Test-Path -LiteralPath $path) {
            Remove-Item -LiteralPath $path -Recurse -Force
            Write-Log "removed previous $path"
        }
    }
    Say '复制程序文件……'
    Get-ChildItem -LiteralPath $engineSource -Force | Copy-Item -Destination $InstallDir -Recurse -Force
    $templateDir = Join-Path $InstallDir 'template'
    New-Item -ItemType Directory -Path $templateDir -Force | Out-Null
    $template = Join-Path $templateDir 'workbook_template.xlsm'
    Copy-Item -LiteralPath (Join-Path $Package 'workbook_template.xlsm') -Destination $template -Force
    foreach ($file in 'uninstall.cmd', 'uninstall.ps1', 'new-report.ps1', 'version.txt') {
        Copy-Item -LiteralPath (Join-Path $Package $file) -Destination $InstallDir -Force
    }

    # 4. Downloaded files carry Mark-of-the-Web: Windows would ask before running the exe
    #    (invisible when the ribbon runs it hidden) and Excel would block the template's macros.
    Get-ChildItem -LiteralPath $InstallDir -Recurse -File | Unblock-File
    Write-Log 'unblocked installed files'
    # The template itself is read-only: a clerk who opens it must "save as", so no report
    # (and no clerk's data) ever lands in the installed copy. new-report.ps1 clears the flag
    # on the copies it makes.
    Set-ItemProperty -LiteralPath $template -Name IsReadOnly -Value $true
    Write-Log "template read-only: $template"

    # 5. The reports folder and the trusted locations.
    $reportsNote = ''
    if (-not $ReportsFolder) {
        $documents = [Environment]::GetFolderPath('MyDocuments')
        if (Test-UnderOneDrive $documents) {
            # A synced folder gives workbooks an https:// name in Excel, can replace a file with
            # the cloud's version, and is no local trusted location: keep reports outside it.
            $ReportsFolder = Join-Path $env:USERPROFILE '政府信息公开年报'
            $reportsNote = ("“文档”由 OneDrive 同步（$documents），年报文件夹改放在 $ReportsFolder（不同步）：" +
                '同步中的工作簿在 Excel 中变成网址、可能被云端版本覆盖，也不能作为本机受信任位置。' +
                '需要备份时请把该文件夹复制到单位指定的位置。')
        } else {
            $ReportsFolder = Join-Path $documents '政府信息公开年报'
        }
    } elseif (Test-UnderOneDrive $ReportsFolder) {
        $reportsNote = "注意：指定的年报文件夹 $ReportsFolder 在 OneDrive 同步范围内，建议改用不同步的本机文件夹。"
    }
    if ($reportsNote) { Say $reportsNote }
    New-Item -ItemType Directory -Path $ReportsFolder -Force | Out-Null
    $ReportsFolder = (Resolve-Path -LiteralPath $ReportsFolder).ProviderPath
    $trustedKeys = @()
    $blocked = $false
    foreach ($v in Get-OfficeVersions) {
        $trustedKeys += Add-TrustedLocation $v $TrustedKeyNames[0] $templateDir
        $trustedKeys += Add-TrustedLocation $v $TrustedKeyNames[1] $ReportsFolder
        if (Test-UserLocationsBlocked $v) { $blocked = $true }
    }

    # 6. Start-menu shortcut: new-report.ps1 copies the template and opens it.
    $programs = [Environment]::GetFolderPath('Programs')
    $shortcut = Join-Path $programs "$ShortcutName.lnk"
    $powershell = Join-Path $env:SystemRoot 'System32\WindowsPowerShell\v1.0\powershell.exe'
    $shell = New-Object -ComObject WScript.Shell
    $lnk = $shell.CreateShortcut($shortcut)
    $lnk.TargetPath = $powershell
    $lnk.Arguments = '-NoProfile -ExecutionPolicy Bypass -WindowStyle Hidden -File "' +
        (Join-Path $InstallDir 'new-report.ps1') + '"'
    $lnk.WorkingDirectory = $InstallDir
    $lnk.WindowStyle = 7  # minimised: no console flashes up
    $lnk.Description = '新建一份政府信息公开工作年度报告（Excel 工作簿）'
    $excel = Find-Excel
    if ($excel) { $lnk.IconLocation = "$excel,0" }
    $lnk.Save()
    Write-Log "shortcut $shortcut"

    # 6b. Explorer 发送到 entries: the engine on the selected closed workbook(s), no macro.
    #     Explorer appends the selected files' paths; the engine shows a message box and opens
    #     the result. Minimised window: the engine hides its console at once.
    $sendToDir = [Environment]::GetFolderPath('SendTo')
    $engineExe = Join-Path $InstallDir 'gknb-excel.exe'
    $sendToLinks = @()
    foreach ($label in $SendToEntries.Keys) {
        $path = Join-Path $sendToDir "$label.lnk"
        $lnk = $shell.CreateShortcut($path)
        $lnk.TargetPath = $engineExe
        $lnk.Arguments = '--sendto ' + $SendToEntries[$label]
        $lnk.WorkingDirectory = $InstallDir
        $lnk.WindowStyle = 7
        $lnk.Description = "$label：处理选中的工作簿（不需要宏，WPS 也可用；请先关闭该工作簿）"
        $lnk.IconLocation = "$engineExe,0"
        $lnk.Save()
        $sendToLinks += $path
        Write-Log "send-to entry $path"
    }

    # 7. Settings > Apps entry (per user).
    $size = (Get-ChildItem -LiteralPath $InstallDir -Recurse -File | Measure-Object -Property Length -Sum).Sum
    New-Item -Path $UninstallKey -Force | Out-Null
    $uninstallCmd = '"' + (Join-Path $InstallDir 'uninstall.cmd') + '"'
    $values = @{
        DisplayName = $ProductName; DisplayVersion = $version; Publisher = 'gknb';
        InstallLocation = $InstallDir; DisplayIcon = (Join-Path $InstallDir 'gknb.exe');
        UninstallString = $uninstallCmd; QuietUninstallString = "$uninstallCmd /quiet"
    }
    foreach ($name in $values.Keys) {
        New-ItemProperty -LiteralPath $UninstallKey -Name $name -Value $values[$name] -PropertyType String -Force | Out-Null
    }
    foreach ($name in 'NoModify', 'NoRepair') {
        New-ItemProperty -LiteralPath $UninstallKey -Name $name -Value 1 -PropertyType DWord -Force | Out-Null
    }
    New-ItemProperty -LiteralPath $UninstallKey -Name 'EstimatedSize' -Value ([int]($size / 1KB)) -PropertyType DWord -Force | Out-Null

    # 8. What uninstall removes.
    $manifest = [ordered]@{
        product = $ProductName; version = $version; installDir = $InstallDir
        items = $InstalledItems; reportsFolder = $ReportsFolder; trustedLocationKeys = $trustedKeys
        shortcut = $shortcut; sendToLinks = $sendToLinks; uninstallKey = $UninstallKey
        installedAt = (Get-Date -Format 'yyyy-MM-dd HH:mm:ss')
    }
    $manifest | ConvertTo-Json | Set-Content -LiteralPath (Join-Path $InstallDir 'install.json') -Encoding UTF8

    # 9. The installed engine must start (antivirus may quarantine or block it).
    Say '检查程序能否运行……'
    $exe = Join-Path $InstallDir 'gknb.exe'
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $answer = ''
    $code = -1
    try {
        $answer = & {
            $ErrorActionPreference = 'Continue'  # judge by the exit code, not by stderr
            (& $exe --version 2>&1 | Out-String).Trim()
        }
        $code = $LASTEXITCODE
    } catch {
        $answer = $_.Exception.Message
    }
    Write-Log ("engine check: exit $code in " + $watch.Elapsed.TotalSeconds.ToString('N1') + " s: $answer")
    if ($code -ne 0 -or $answer -ne "gknb $version") {
        Stop-Install $EXIT_ENGINE ("程序已复制，但无法运行（$answer）。通常是杀毒软件拦截或隔离了 " +
            "$InstallDir 中的文件。请在杀毒软件中把该文件夹加入信任区（白名单）后重新安装，" +
            "或联系单位 IT（安装包中的 README-IT.md 有说明）。")
    }

    Write-Host ''
    Say "$ProductName $version 安装完成。"
    Write-Host "  程序位置：$InstallDir"
    Write-Host "  新建年报：开始菜单 → “$ShortcutName”（年报保存在 $ReportsFolder）"
    Write-Host '  如果 Excel 正在运行，请关闭后重新打开，功能区“年报助手”选项卡上的按钮才能使用。'
    Write-Host '  不用宏（宏被禁用、用 WPS）：关闭工作簿，右键它 →“发送到”→“年报助手·校验/填充合计/导出Word”。'
    if ($blocked) {
        Say ('注意：本单位的组策略不允许用户自行添加“受信任位置”，按钮中的宏可能被禁用。' +
            '请联系 IT 管理员按 README-IT.md 的说明处理。')
    }
    Write-Log "exit $EXIT_OK"
    exit $EXIT_OK
} catch {
    Write-Log ($_ | Out-String)
    Stop-Install $EXIT_FAILED "安装失败：$($_.Exception.Message)"
}
